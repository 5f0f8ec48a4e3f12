-- see msr: docs
-- msr is great
-- this runs with msr:no-transaction semantics (not a directive)
---- msr:no-transaction is not it either
/* msr:no-transaction */
SELECT '-- msr:no-transaction';
