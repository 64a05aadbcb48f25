-- intake: the keyed lookup hashes stored as their 32 bytes, not as 64 hex characters (issue 12).  A
-- person carries five of them (rrn_hash, name_key, phone_hash, name_block, address_block) and a
-- household one (address_key); four of a person's six index entries and both of the household's
-- keyed ones are on them, so as bytea each entry holds 33 bytes of key where it held 65, and a heap
-- row 160 bytes less: `COPY person` was the bulk path's largest statement (docs/benchmarks.md).
-- Equality and the (key, id) order the indexes serve are unchanged (bytea compares as memcmp, as
-- COLLATE "C" text did); the service reads and writes them in bytea's text form, "\x" and the same
-- 64 hex digits (intake.h: INTAKE_KEY_TEXT), so its statements changed only their casts.
ALTER TABLE person ALTER COLUMN rrn_hash TYPE bytea USING decode(rrn_hash, 'hex'),
                   ALTER COLUMN name_key TYPE bytea USING decode(name_key, 'hex'),
                   ALTER COLUMN phone_hash TYPE bytea USING decode(phone_hash, 'hex'),
                   ALTER COLUMN name_block TYPE bytea USING decode(name_block, 'hex'),
                   ALTER COLUMN address_block TYPE bytea USING decode(address_block, 'hex');
ALTER TABLE household ALTER COLUMN address_key TYPE bytea USING decode(address_key, 'hex');
