-- Follows ended by a new case token (docs/DESIGN.md#44-relay): a caseworker who followed the case through the old token stops
-- receiving the family's messages, also when no one follows the case any more and messages go to every caseworker,
-- until they open the case again with the new token. Operational, like case_follows.
CREATE TABLE ended_follows (
    case_ref       TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    caseworker_ref TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    PRIMARY KEY (case_ref, caseworker_ref)
) STRICT, WITHOUT ROWID;
