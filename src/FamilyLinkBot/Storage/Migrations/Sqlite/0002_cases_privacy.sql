-- Cases (docs/DESIGN.md#41-family-commands, docs/DESIGN.md#42-case-statuses), privacy settings and tracked messages (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications).

-- Privacy choices are operational (plaintext allowed); the security phrase is the family's own words: encrypted.
ALTER TABLE chats ADD COLUMN disappear_seconds INTEGER NOT NULL DEFAULT 86400; -- 0 = off
ALTER TABLE chats ADD COLUMN discreet INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chats ADD COLUMN phrase BLOB;

CREATE TABLE cases (
    id           TEXT PRIMARY KEY,              -- random, bound into the blobs' associated data
    chat_ref     TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,              -- 1, 2, … within the family, for labels
    token_hash   BLOB NOT NULL UNIQUE,          -- keyed hash of the case token; the token is never stored
    relation     BLOB NOT NULL,                 -- encrypted with the family's data key
    alias        BLOB,
    region       BLOB NOT NULL,
    place_detail BLOB,
    since        BLOB,
    status       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    closed_at    INTEGER
) STRICT;
CREATE INDEX cases_chat ON cases(chat_ref);
CREATE INDEX cases_closed ON cases(closed_at) WHERE closed_at IS NOT NULL;

CREATE TABLE case_history (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    case_ref TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at       INTEGER NOT NULL,
    status   TEXT NOT NULL,
    note     BLOB                               -- encrypted; AD binds it to the row's history id
) STRICT;
CREATE INDEX case_history_case ON case_history(case_ref);

-- Messages in a family's chat that /panic or the disappearing timer may delete (Telegram allows 48 h).
CREATE TABLE tracked_messages (
    chat_ref   TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,
    sent_at    INTEGER NOT NULL,
    expires_at INTEGER,                         -- NULL: kept until /panic or the 48 h limit
    PRIMARY KEY (chat_ref, message_id)
) STRICT;
CREATE INDEX tracked_expiry ON tracked_messages(expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX tracked_sent ON tracked_messages(sent_at);
