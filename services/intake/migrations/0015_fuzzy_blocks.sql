-- intake: persons stored before 0009_optional_rrn.sql get the fuzzy rule's blocks (issue 16).  They
-- have a name_key but no name_block / address_block (the keyed hashes need the PII key, the
-- service's alone), no birth_year and no sex, so the fuzzy score met them only through their
-- household's address key.  store_blocks.c fills them at start while the row 'fuzzy_blocks' is
-- pending, in batches of persons by id (after_person), as the NFC rekey of 0005 does by household:
-- name_block of the household's dong and the person's name, address_block of the household's
-- address (the referral that added them stored no address of its own), birth_year of the birth
-- date, sex of the resident number's sex digit.  A person whose name cannot be opened is counted
-- (persons_kept) and left without blocks.  A database without such persons has nothing to fill.
ALTER TABLE key_migration ADD COLUMN after_person bigint NOT NULL DEFAULT 0;
INSERT INTO key_migration (name, pending) SELECT 'fuzzy_blocks', EXISTS (SELECT 1 FROM person WHERE name_block IS NULL);
-- The persons still without blocks, read a batch at a time; empty once the fill is done.
CREATE INDEX person_without_blocks ON person (id) WHERE name_block IS NULL;
