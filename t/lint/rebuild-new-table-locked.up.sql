-- not: lock-table, cluster, ddl-with-backfill
CREATE TABLE events_compact (id bigint, kind text);
CREATE INDEX events_compact_kind ON events_compact (kind);
LOCK TABLE events_compact IN ACCESS EXCLUSIVE MODE;
CLUSTER events_compact USING events_compact_kind;
