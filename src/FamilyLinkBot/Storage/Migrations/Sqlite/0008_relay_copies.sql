-- Which case each relayed message in a caseworker's chat belongs to, so a Telegram reply to it reaches the family
-- (docs/DESIGN.md#44-relay). Keyed by the outbox item that carried the copy: Telegram's message id is known only once it is sent,
-- and is written here when the outbox settles the row (settled outbox rows are deleted at once). The case id is encrypted with the caseworker's chat key, bound to the row.
-- A row expires like the message (the caseworker's timer, at most a week) and goes with the caseworker's chat.
CREATE TABLE relay_copies (
    outbox_id  INTEGER PRIMARY KEY,
    chat_ref   TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    case_ref   BLOB NOT NULL,
    message_id INTEGER,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX relay_copies_chat ON relay_copies(chat_ref, message_id);
CREATE INDEX relay_copies_expiry ON relay_copies(expires_at);
