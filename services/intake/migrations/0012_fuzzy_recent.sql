-- intake: the scored kind reads at most WH_INTAKE_FUZZY_MAX_CANDIDATES (+ 1) persons per block, the
-- most recent first (store.c's intake_bulk_fuzzy: ORDER BY id DESC LIMIT per block).  The blocks'
-- indexes carry the id after the block, so a block of ten thousand persons is read as its last
-- hundred index entries, not all of them sorted.  They replace 0009's and 0001's phone index, which
-- the same leading column keeps serving.
CREATE INDEX person_name_block_recent ON person (name_block, id);
CREATE INDEX person_unnumbered_name_block_recent ON person (name_block, id) WHERE rrn_hash IS NULL;
CREATE INDEX person_unnumbered_address_block_recent ON person (address_block, id) WHERE rrn_hash IS NULL;
CREATE INDEX person_unnumbered_phone_recent ON person (phone_hash, id) WHERE rrn_hash IS NULL;
CREATE INDEX person_phone_hash_recent ON person (phone_hash, id) WHERE phone_hash IS NOT NULL;
DROP INDEX person_name_block;
DROP INDEX person_unnumbered_name_block;
DROP INDEX person_unnumbered_address_block;
DROP INDEX person_unnumbered_phone;
DROP INDEX person_phone_hash;
