-- intake: persons without a resident registration number (issue 16).  A neighbour reports what they
-- know — a name and an address, perhaps an approximate age, sex, a phone — so the number, its seal
-- and the birth date become optional; what the Korean-aware score compares is kept beside them, and
-- the blocks it meets persons by (resolve_fuzzy.c, store.c's intake_bulk_fuzzy) are indexed.
--   birth_year     the birth date's year, the year given, or reported_on's year minus the age
--   sex            'F' / 'M' as given or from the number's sex digit; NULL when unknown
--   name_block     keyed hash of dong ␟ normalized name ("name-block")
--   address_block  keyed hash of dong ␟ intake_fuzzy_address_form of the address of the referral that
--                  added the person ("address-block")
-- Persons stored before this migration have no blocks (the keys need the PII key, the service's
-- alone): they are still met through their household's address key and their phone.
ALTER TABLE person ALTER COLUMN rrn_hash DROP NOT NULL,
                   ALTER COLUMN rrn_sealed DROP NOT NULL,
                   ALTER COLUMN birth_date DROP NOT NULL,
                   ADD COLUMN birth_year smallint CHECK (birth_year BETWEEN 1800 AND 2199),
                   ADD COLUMN sex char(1) CHECK (sex IN ('F', 'M')),
                   ADD COLUMN name_block text COLLATE "C",
                   ADD COLUMN address_block text COLLATE "C";
-- A person with a number has its seal, and one without has neither.
ALTER TABLE person ADD CONSTRAINT person_rrn_sealed CHECK ((rrn_hash IS NULL) = (rrn_sealed IS NULL));
CREATE INDEX person_name_block ON person (name_block);
-- The persons without a number, met by every referral: small indexes, probed by every block.
CREATE INDEX person_unnumbered_name_block ON person (name_block) WHERE rrn_hash IS NULL;
CREATE INDEX person_unnumbered_address_block ON person (address_block) WHERE rrn_hash IS NULL;
CREATE INDEX person_unnumbered_phone ON person (phone_hash) WHERE rrn_hash IS NULL;
