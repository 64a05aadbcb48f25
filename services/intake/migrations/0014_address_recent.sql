-- intake: the households read at a row's address key are the oldest WH_INTAKE_ADDRESS_MAX_HOUSEHOLDS
-- (+ 1) live ones (store.c's intake_bulk_households: ORDER BY address_key, id LIMIT per key), so an
-- address one agency filed ten thousand households under is read as its first hundred index entries,
-- not all of them.  The index carries the id after the key and holds live households only; 0001's
-- household_address_key keeps serving every other look-up by key.
CREATE INDEX household_live_address_key_oldest ON household (address_key, id) WHERE merged_into IS NULL;
