-- The send rate kept in the database (docs/DESIGN.md#12-scale-out, docs/SEND-RATE.md), so that instances sharing one
-- database share Telegram's one limit per bot. Used on engines that several instances share (PostgreSQL); present on
-- SQLite too, so that both engines keep one schema. A row is one request Telegram may count: when it was granted and
-- when its answer came back (NULL while in flight), in unix ms on the database server's clock. Rows older than a
-- minute are pruned; they name no one.
CREATE TABLE send_slots (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    granted_at  INTEGER NOT NULL,
    answered_at INTEGER
) STRICT;
CREATE INDEX send_slots_granted ON send_slots(granted_at);
