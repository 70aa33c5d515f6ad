-- News alerts (docs/DESIGN.md#7-news-alerts), subscriptions (§4.1), feeds and review (§4.5). Published news, feed addresses and
-- subscription choices are operational data (docs/DESIGN.md#2-data-classification): plaintext. Nothing here identifies a family by itself;
-- subscriptions are tied to a chat row and go with it on erasure.

-- Case-region alerts: on by default, switchable in /subscribe, off after /unsubscribe.
ALTER TABLE chats ADD COLUMN case_alerts INTEGER NOT NULL DEFAULT 1;

CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    name                 TEXT NOT NULL,
    url                  TEXT NOT NULL UNIQUE,
    language             TEXT,                       -- ko | en | zh hint, or NULL
    source               TEXT NOT NULL CHECK (source IN ('config', 'admin')),
    removed              INTEGER NOT NULL DEFAULT 0, -- 1 after /feeds Remove (kept so News:Feeds does not bring it back)
    primed               INTEGER NOT NULL DEFAULT 0, -- 1 after the first successful fetch recorded its stories as seen
    etag                 TEXT,
    last_modified        TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    first_failure_at     INTEGER,
    admins_alerted       INTEGER NOT NULL DEFAULT 0,
    next_poll_at         INTEGER NOT NULL DEFAULT 0, -- unix ms
    last_polled_at       INTEGER,
    last_result          TEXT                        -- short, URL-free: "ok 12 items", "not modified", "HTTP 500"…
) STRICT;

-- Stories already seen, by SHA-256 of each StoryKey (link, GUID, normalized title): one alert per story across
-- feeds and restarts. last_seen_at lets old keys be pruned once no feed lists them any more.
CREATE TABLE seen_stories (
    key_hash      BLOB PRIMARY KEY,
    first_seen_at INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX seen_stories_last ON seen_stories(last_seen_at);

CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    feed_id       INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    title         TEXT NOT NULL,                     -- as published
    link          TEXT,
    source        TEXT NOT NULL,                     -- the feed's name
    topics        TEXT NOT NULL,                     -- JSON array of topic ids
    regions       TEXT NOT NULL,                     -- JSON array of region ids
    state         TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'sent')),
    created_at    INTEGER NOT NULL,
    decided_at    INTEGER,
    fanout_after  TEXT NOT NULL DEFAULT '',          -- keyset cursor (chats.id) of a fan-out in progress
    recipients    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX alerts_state ON alerts(state, id) WHERE state IN ('pending', 'approved');

CREATE TABLE subscriptions (
    chat_ref TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL CHECK (kind IN ('topic', 'region')),
    value    TEXT NOT NULL,
    PRIMARY KEY (chat_ref, kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX subscriptions_value ON subscriptions(kind, value, chat_ref);
