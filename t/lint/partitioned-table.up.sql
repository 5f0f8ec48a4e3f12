-- not: create-index-concurrently
CREATE TABLE measurements (
    taken_at timestamptz NOT NULL,
    device_id bigint NOT NULL,
    value double precision
) PARTITION BY RANGE (taken_at);
CREATE TABLE measurements_2026 PARTITION OF measurements
    FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX measurements_device_idx ON ONLY measurements (device_id);
