-- FamilyLinkBot schema 1. Identifying values are AEAD blobs (see Crypto/), lookups go through
-- keyed blind indexes, and everything else is operational data that docs/DESIGN.md#2-data-classification allows in plaintext.

-- Key material and singletons: the key check value, the wrapped index root, the polling offset.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

-- One row per private chat (a family member, a caseworker or an admin).
CREATE TABLE chats (
    id           TEXT PRIMARY KEY,          -- random, bound into every blob's associated data
    chat_index   BLOB NOT NULL UNIQUE,      -- blind index of the Telegram chat id
    data_key     BLOB NOT NULL,             -- the chat's data key, wrapped by the master key
    chat_id      BLOB NOT NULL,             -- Telegram chat id, encrypted with the data key
    language     TEXT,                      -- ko | en | zh, NULL until chosen
    active       INTEGER NOT NULL DEFAULT 1,-- 0 after Telegram answered 403 (blocked)
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) STRICT;

-- Groups the bot was added to: only enough to stay silent after saying once that it works in private.
CREATE TABLE silenced_groups (
    chat_index BLOB PRIMARY KEY
) STRICT, WITHOUT ROWID;

-- Conversation state (current menu and flow), encrypted with the chat's data key.
CREATE TABLE sessions (
    chat_ref   TEXT PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE,
    state      BLOB NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- Update ids already applied, so a redelivered update is recognized and skipped (docs/DESIGN.md#8-delivery).
CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    processed_at INTEGER NOT NULL
) STRICT;

-- Durable outbox: every message to Telegram is written here before it is sent (docs/DESIGN.md#8-delivery).
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_ref   TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    lane       INTEGER NOT NULL,            -- 0 interactive, 1 notice, 2 bulk
    payload    BLOB NOT NULL,               -- the request, encrypted with the chat's data key
    state      INTEGER NOT NULL DEFAULT 0,  -- 0 pending, 1 sent, 2 failed, 3 cancelled
    attempts   INTEGER NOT NULL DEFAULT 0,
    not_before INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    error      TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox(state, lane, id) WHERE state = 0;
CREATE INDEX outbox_chat ON outbox(chat_ref);
