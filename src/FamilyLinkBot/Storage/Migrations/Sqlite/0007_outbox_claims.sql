-- The outbox, rebuilt with one owner in mind (docs/DESIGN.md#8-delivery, Delivery/OutboxStore.cs):
-- * rows are claimed before they are sent (claimed_by, claimed_until: a lease), so a second process cannot send
--   them too, and a crashed process's claims are sent again once the lease lapses;
-- * a settled row (sent, failed, cancelled) is deleted the moment it settles; the few a running broadcast still needs
--   (its recipients' rows until it ends, its progress message) keep no recipient: chat_ref and source_ref become
--   NULL. A database read without the key cannot tell who received which alert or broadcast (docs/DESIGN.md#2-data-classification). Delivery
--   statistics are hourly counts (delivery_counts) that name nobody;
-- * source_ref names the family whose words a row relays to a caseworker, so erasing the family (/forget) deletes
--   its relayed messages still queued for caseworkers (ON DELETE CASCADE).
-- Sent and failed messages per hour (unix ms / 3 600 000), for /stats; kept a week.
CREATE TABLE delivery_counts (
    hour  INTEGER NOT NULL,
    state INTEGER NOT NULL,  -- OutboxState
    count INTEGER NOT NULL,
    PRIMARY KEY (hour, state)
) STRICT, WITHOUT ROWID;
INSERT INTO delivery_counts (hour, state, count)
    SELECT created_at / 3600000, state, COUNT(*) FROM outbox WHERE state IN (1, 2) GROUP BY created_at / 3600000, state;

CREATE TABLE outbox_rebuilt (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_ref      TEXT REFERENCES chats(id) ON DELETE CASCADE,  -- recipient; NULL once settled
    source_ref    TEXT REFERENCES chats(id) ON DELETE CASCADE,  -- family whose words this relays; NULL once settled
    lane          INTEGER NOT NULL,                             -- Lane: 0 interactive, 1 notice, 2 bulk
    payload       BLOB NOT NULL,                                -- the request, encrypted with the recipient's data key
    state         INTEGER NOT NULL DEFAULT 0,                   -- OutboxState: 0 pending, 1 sent, 2 failed, 3 cancelled
    attempts      INTEGER NOT NULL DEFAULT 0,                   -- failures of this message alone (not outages)
    not_before    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    error         TEXT,
    broadcast_id  INTEGER REFERENCES broadcasts(id) ON DELETE CASCADE,
    message_id    INTEGER,
    claimed_by    TEXT,                                         -- "<instance>:<start id>" of the process sending it
    claimed_until INTEGER                                       -- unix ms; after this another process may take it
) STRICT;
INSERT INTO outbox_rebuilt (id, chat_ref, lane, payload, state, attempts, not_before, created_at, error, broadcast_id, message_id)
    SELECT id, CASE WHEN state = 0 THEN chat_ref END, lane, payload, state, attempts, not_before, created_at, error, broadcast_id, message_id
    FROM outbox
    WHERE state = 0 OR broadcast_id IN (SELECT id FROM broadcasts WHERE state = 0)
       OR id IN (SELECT progress_item FROM broadcasts WHERE progress_item IS NOT NULL
                 UNION SELECT last_edit_item FROM broadcasts WHERE last_edit_item IS NOT NULL);
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(lane, id) WHERE state = 0;
CREATE INDEX outbox_chat ON outbox(chat_ref);
CREATE INDEX outbox_source ON outbox(source_ref);
CREATE INDEX outbox_broadcast ON outbox(broadcast_id, state) WHERE broadcast_id IS NOT NULL;
CREATE INDEX outbox_done ON outbox(created_at) WHERE state <> 0;

-- /panic's mark (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications): every row up to last_item was queued before the panic, so a send of one of them whose
-- outcome is recorded later is deleted from the chat at once. Kept only while such a send can still be in flight.
CREATE TABLE outbox_panics (
    chat_ref   TEXT PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE,
    last_item  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL  -- unix ms
) STRICT, WITHOUT ROWID;

-- Case numbers are unique within a family; the next number is taken in the same statement that inserts.
CREATE UNIQUE INDEX cases_chat_number ON cases(chat_ref, number);
DROP INDEX IF EXISTS cases_chat;
