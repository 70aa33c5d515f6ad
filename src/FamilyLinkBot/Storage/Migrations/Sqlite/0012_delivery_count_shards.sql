-- Hourly delivery counts (for /stats) split into shards (docs/DESIGN.md#12-scale-out): every recorded outcome added to
-- one (hour, state) row, and writers side by side (several per instance on PostgreSQL, several instances) queued on
-- that row's lock until each other's commit. A transaction now adds its outcomes, folded, to one shard of its choice
-- just before it commits; /stats sums the shards. SQLite's one writer always uses shard 0. Names nobody.
CREATE TABLE delivery_counts_sharded (
    hour  INTEGER NOT NULL,
    state INTEGER NOT NULL,  -- OutboxState
    shard INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (hour, state, shard)
) STRICT, WITHOUT ROWID;
INSERT INTO delivery_counts_sharded (hour, state, shard, count) SELECT hour, state, 0, count FROM delivery_counts;
DROP TABLE delivery_counts;
ALTER TABLE delivery_counts_sharded RENAME TO delivery_counts;
