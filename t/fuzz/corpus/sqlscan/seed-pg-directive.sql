/* A header comment. */
	-- msr:no-transaction
CREATE INDEX CONCURRENTLY idx ON t (a);
-- msr:lint-ignore notx because we know
CREATE INDEX CONCURRENTLY idx2 ON t (b); -- msr:lint-ignore
