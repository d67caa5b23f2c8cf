-- record_keys without its foreign key to installs. The key was checked row by row (a trigger
-- and a look-up of the install a record) on the busiest table, for an install that ingest has
-- just locked (FOR UPDATE) in the same transaction and that nothing ever deletes: the only
-- writer of record_keys is ingest, under that lock. A quarter of the database's work a batch,
-- for a guarantee the lock already gives (issue 19).
ALTER TABLE record_keys DROP CONSTRAINT record_keys_install_id_fkey;
