DROP TRIGGER IF EXISTS rollup_txn_insert
-- statement
DROP TRIGGER IF EXISTS rollup_txn_update
-- statement
DROP TRIGGER IF EXISTS rollup_txn_unsplit
-- statement
DROP TRIGGER IF EXISTS rollup_txn_delete
-- statement
DROP TRIGGER IF EXISTS rollup_part_insert
-- statement
DROP TRIGGER IF EXISTS rollup_part_update
-- statement
DROP TRIGGER IF EXISTS rollup_part_delete
