-- msr:no-transaction
VACUUM FULL events;
