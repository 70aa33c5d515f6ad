-- Broadcasts (docs/DESIGN.md#45-admin-commands) and delivery bookkeeping (docs/DESIGN.md#8-delivery).

-- An announcement to many families. The text is encrypted under the system data key (wrapped in meta):
-- it may name people. Audience, state and counts are operational data.
CREATE TABLE broadcasts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    text           BLOB NOT NULL,
    audience       TEXT NOT NULL,               -- all | lang:ko | topic:border | region:jilin
    state          INTEGER NOT NULL DEFAULT 0,  -- 0 running, 1 done, 2 cancelled
    created_by     TEXT REFERENCES chats(id) ON DELETE SET NULL, -- the admin's chat, for progress
    cursor         TEXT NOT NULL DEFAULT '',    -- chats.id of the last recipient written to the outbox
    exhausted      INTEGER NOT NULL DEFAULT 0,  -- 1 once every recipient has its outbox row
    total          INTEGER NOT NULL,            -- recipients counted at Send
    sent           INTEGER NOT NULL DEFAULT 0,  -- final counts, written when it ends
    failed         INTEGER NOT NULL DEFAULT 0,
    progress_item  INTEGER,                     -- outbox id of the progress message (its Telegram id comes from there)
    last_edit_item INTEGER,                     -- outbox id of the newest progress edit
    created_at     INTEGER NOT NULL,
    finished_at    INTEGER
) STRICT;
CREATE INDEX broadcasts_running ON broadcasts(state) WHERE state = 0;

-- One outbox row per broadcast recipient, written page by page with the broadcast's cursor in one
-- transaction: each recipient gets exactly one row, and a row is sent at least once.
ALTER TABLE outbox ADD COLUMN broadcast_id INTEGER REFERENCES broadcasts(id) ON DELETE CASCADE;
-- The Telegram message id once sent, for messages that are edited later (broadcast progress).
ALTER TABLE outbox ADD COLUMN message_id INTEGER;
CREATE INDEX outbox_broadcast ON outbox(broadcast_id, state) WHERE broadcast_id IS NOT NULL;
CREATE INDEX outbox_done ON outbox(created_at) WHERE state <> 0;
