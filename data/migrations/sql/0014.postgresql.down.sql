DROP TRIGGER IF EXISTS rollup_txn_insert ON transactions
-- statement
DROP FUNCTION IF EXISTS rollup_txn_insert()
-- statement
DROP TRIGGER IF EXISTS rollup_txn_update ON transactions
-- statement
DROP FUNCTION IF EXISTS rollup_txn_update()
-- statement
DROP TRIGGER IF EXISTS rollup_txn_unsplit ON transactions
-- statement
DROP FUNCTION IF EXISTS rollup_txn_unsplit()
-- statement
DROP TRIGGER IF EXISTS rollup_txn_delete ON transactions
-- statement
DROP FUNCTION IF EXISTS rollup_txn_delete()
-- statement
DROP TRIGGER IF EXISTS rollup_part_insert ON transaction_splits
-- statement
DROP FUNCTION IF EXISTS rollup_part_insert()
-- statement
DROP TRIGGER IF EXISTS rollup_part_update ON transaction_splits
-- statement
DROP FUNCTION IF EXISTS rollup_part_update()
-- statement
DROP TRIGGER IF EXISTS rollup_part_delete ON transaction_splits
-- statement
DROP FUNCTION IF EXISTS rollup_part_delete()
