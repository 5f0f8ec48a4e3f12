CREATE TABLE t ( -- msr:no-transaction
    a int
);
