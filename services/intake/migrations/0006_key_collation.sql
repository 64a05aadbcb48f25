-- intake: the matching keys compare as bytes.  They are hex keyed hashes, so their order means
-- nothing, but under the database's collation (C.UTF-8 in the stack, a language locale elsewhere)
-- every b-tree step on them called strcoll: a profile of the bulk import had _bt_compare → varstr_cmp
-- → the locale's comparison as the backend's largest cost (docs/benchmarks.md).  COLLATE "C"
-- compares with memcmp; equality is unchanged, the indexes are rebuilt.
ALTER TABLE person ALTER COLUMN rrn_hash TYPE text COLLATE "C",
                   ALTER COLUMN name_key TYPE text COLLATE "C",
                   ALTER COLUMN phone_hash TYPE text COLLATE "C";
ALTER TABLE household ALTER COLUMN address_key TYPE text COLLATE "C";
