-- Caseworkers, invites, follows and relayed messages (docs/DESIGN.md#43-caseworkers, docs/DESIGN.md#44-relay).

-- A chat whose user joined with an invite. Revoking keeps the row (revoked_at set) and drops its follows;
-- the role resolver reads this table on every update, so revocation takes effect on the next one.
CREATE TABLE caseworkers (
    chat_ref   TEXT PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE,
    joined_at  INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

-- One-time invite codes: only the code's keyed hash is stored (docs/DESIGN.md#2-data-classification, secret class).
CREATE TABLE caseworker_invites (
    code_hash  BLOB PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;

-- Which caseworker follows which case: set when a caseworker opens, updates or answers a case.
CREATE TABLE case_follows (
    case_ref       TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    caseworker_ref TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    since          INTEGER NOT NULL,
    PRIMARY KEY (case_ref, caseworker_ref)
) STRICT;
CREATE INDEX case_follows_caseworker ON case_follows(caseworker_ref);

-- Relayed text, encrypted with the family's data key; the associated data binds it to its row.
CREATE TABLE relay_messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_ref   TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    direction  INTEGER NOT NULL,                -- 0 family to caseworkers, 1 caseworker to family
    text       BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX relay_messages_case ON relay_messages(case_ref);
