-- The look-up limit kept in the database (docs/DESIGN.md#43-caseworkers, Caseworkers/TokenLookupStore.cs), so that
-- instances sharing one database count one window per chat between them instead of one each. A row is one counted
-- attempt (/case, /status, /reply with a case code, /join, /setup): the chat's random row id and when, in unix ms.
-- No text, no Telegram id. Rows older than the window are deleted at the chat's next attempt and by the retention
-- sweep; erasing the chat deletes them with it (ON DELETE CASCADE). Present on SQLite too, so that both engines keep
-- one schema.
CREATE TABLE token_lookups (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_ref TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    at       INTEGER NOT NULL
) STRICT;
CREATE INDEX token_lookups_chat_at ON token_lookups(chat_ref, at);
