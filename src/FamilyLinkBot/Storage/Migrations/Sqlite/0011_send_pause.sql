-- What every instance sharing one database must hold back together (docs/DESIGN.md#12-scale-out, docs/SEND-RATE.md):
-- Telegram's "retry after" pause, which it asks of the bot and not of one process, and an outage declared by the
-- instance that found Telegram unreachable (that instance probes; the others wait until it clears the mark, or until
-- the mark runs out when that instance died). One row, written only by the shared send window; times in unix ms on
-- the database server's clock. Present on SQLite too, so that both engines keep one schema; it names no one.
CREATE TABLE send_pause (
    id            INTEGER PRIMARY KEY, -- always 1
    paused_until  INTEGER NOT NULL DEFAULT 0,
    outage_until  INTEGER NOT NULL DEFAULT 0,
    outage_by     TEXT
) STRICT;
