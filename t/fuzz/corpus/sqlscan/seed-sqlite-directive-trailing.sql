-- msr:no-transaction because of VACUUM
VACUUM;
