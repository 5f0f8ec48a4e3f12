-- msr: no-transaction
VACUUM;
