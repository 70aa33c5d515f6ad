-- Hourly delivery counts (for /stats) split into shards (docs/DESIGN.md#12-scale-out): every recorded outcome added to
-- one (hour, state) row, and writers side by side (several per instance, several instances) queued on that row's lock
-- until each other's commit. A transaction now adds its outcomes, folded, to one shard of its choice just before it
-- commits; /stats sums the shards. Names nobody.
ALTER TABLE delivery_counts ADD COLUMN shard bigint NOT NULL DEFAULT 0;
ALTER TABLE delivery_counts ALTER COLUMN shard DROP DEFAULT;
ALTER TABLE delivery_counts DROP CONSTRAINT delivery_counts_pkey;
ALTER TABLE delivery_counts ADD PRIMARY KEY (hour, state, shard);
