#pragma once

// Schema migrations keyed on PRAGMA user_version. Entry i (0-based) takes the database from
// version i to i + 1. Never edit a migration that has shipped: add one.
namespace hall::store {

inline constexpr const char *kMigrations[] = {
    // 1: the journal, the projections the engine needs, and idempotency records.
    R"SQL(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES
  ('epoch', lower(hex(randomblob(16)))),
  ('created_at', CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('day', '0');
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
CREATE TABLE services (
  code TEXT PRIMARY KEY,
  prefix TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  estimated_service_seconds INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE clerks (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  badge TEXT NOT NULL,
  pin_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  photo TEXT
) WITHOUT ROWID;
CREATE TABLE windows (
  number INTEGER PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  services TEXT NOT NULL DEFAULT '[]',
  clerk TEXT,
  paused INTEGER NOT NULL DEFAULT 0,
  current_ticket INTEGER,
  opened_at INTEGER
);
CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  day INTEGER NOT NULL,
  service TEXT NOT NULL,
  original_service TEXT NOT NULL,
  number INTEGER NOT NULL,
  label TEXT NOT NULL,
  priority TEXT NOT NULL,
  status TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  queued_at INTEGER NOT NULL,
  called_at INTEGER,
  first_called_at INTEGER,
  serving_at INTEGER,
  ended_at INTEGER,
  window INTEGER,
  target_window INTEGER,
  clerk TEXT,
  recalls INTEGER NOT NULL DEFAULT 0,
  transfers INTEGER NOT NULL DEFAULT 0,
  UNIQUE (day, original_service, number)
);
CREATE INDEX tickets_open ON tickets(status) WHERE status IN ('waiting', 'called', 'serving');
CREATE TABLE idempotency (
  device TEXT NOT NULL,
  request_id TEXT NOT NULL,
  reply TEXT NOT NULL,
  PRIMARY KEY (device, request_id)
) WITHOUT ROWID;
)SQL",
    // 2: service sessions (one per call of a ticket at a window: what ratings and recordings
    // attach to), ageing of idempotency records, and an index for recent service times.
    R"SQL(
ALTER TABLE idempotency ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idempotency_age ON idempotency(created_at);
CREATE INDEX tickets_finished ON tickets(service, ended_at) WHERE status = 'finished';
CREATE TABLE service_sessions (
  id INTEGER PRIMARY KEY,
  ticket INTEGER NOT NULL,
  window INTEGER NOT NULL,
  clerk TEXT,
  called_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  outcome TEXT
);
CREATE INDEX service_sessions_open ON service_sessions(ticket) WHERE ended_at IS NULL;
CREATE INDEX service_sessions_clerk ON service_sessions(clerk, called_at);
-- Version 1 kept no sessions. The best that can be recovered is the last call of each called
-- ticket, keyed like new sessions by the seq of its ticket_called event.
INSERT INTO service_sessions (id, ticket, window, clerk, called_at, started_at, ended_at, outcome)
  SELECT c.seq, t.id, t.window, t.clerk, t.called_at, t.serving_at, t.ended_at,
         CASE WHEN t.status IN ('finished', 'no_show', 'expired') THEN t.status END
  FROM tickets t
  JOIN (SELECT json_extract(data, '$.ticket') AS ticket, MAX(seq) AS seq
          FROM events WHERE type = 'ticket_called' GROUP BY 1) c ON c.ticket = t.id
  WHERE t.window IS NOT NULL;
)SQL",
    // 3: fewer pages written per operation. Every secondary index on a table the hot path
    // writes costs a page per commit, and the partial index on tickets(status) made SQLite 3.40
    // build a temporary table on each ticket UPDATE. What the indexes served is now found
    // another way: open tickets all belong to the current business day (each day_started
    // expires the rest), so the UNIQUE (day, ...) index finds them; a ticket row names its open
    // service session; a window's visitor is found from the tickets; idempotency records are
    // pruned hourly by a scan of one week's rows; reports read sessions by id range, which
    // is time order.
    R"SQL(
UPDATE tickets SET status = 'expired', ended_at = COALESCE(called_at, issued_at)
  WHERE ended_at IS NULL AND day < (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'day');
-- Sessions are rebuilt from the journal: version 2 recovered version 1's from the tickets
-- (the last call only, timed by a recall if there was one, and left open when the ticket was
-- transferred), and from now on a session is closed through its ticket's pointer, so an
-- orphaned open session would stay open for good. One session per ticket_called, as the store
-- writes them.
CREATE TEMP TABLE m3_ev (seq INTEGER PRIMARY KEY, at INTEGER, type TEXT, ticket INTEGER, window INTEGER, clerk TEXT);
INSERT INTO m3_ev
  SELECT seq, at, type, CAST(json_extract(data, '$.ticket') AS INTEGER) AS ticket,
         json_extract(data, '$.window') AS window, json_extract(data, '$.clerk') AS clerk
  FROM events WHERE type IN ('ticket_called', 'service_started', 'ticket_no_show', 'ticket_finished', 'ticket_transferred');
CREATE INDEX temp.m3_ev_ticket ON m3_ev(ticket, seq);
CREATE TEMP TABLE m3_calls AS
  SELECT seq, at, ticket, window, clerk,
         COALESCE(LEAD(seq) OVER (PARTITION BY ticket ORDER BY seq), 9223372036854775807) AS next_call
  FROM m3_ev WHERE type = 'ticket_called';
DELETE FROM service_sessions;
INSERT INTO service_sessions (id, ticket, window, clerk, called_at, started_at, ended_at, outcome)
  SELECT c.seq, c.ticket, c.window, c.clerk, c.at,
         (SELECT MIN(s.at) FROM m3_ev s WHERE s.ticket = c.ticket AND s.seq > c.seq AND s.seq < c.next_call
            AND s.type = 'service_started'),
         e.at,
         CASE e.type WHEN 'ticket_no_show' THEN 'no_show' WHEN 'ticket_finished' THEN 'finished'
                     WHEN 'ticket_transferred' THEN 'transferred' END
  FROM m3_calls c
  LEFT JOIN m3_ev e ON e.seq = (SELECT MIN(x.seq) FROM m3_ev x WHERE x.ticket = c.ticket AND x.seq > c.seq AND x.seq < c.next_call
                                  AND x.type IN ('ticket_no_show', 'ticket_finished', 'ticket_transferred'));
-- Finishing straight from a call counts service from the call, as the store does.
UPDATE service_sessions SET started_at = called_at WHERE outcome = 'finished' AND started_at IS NULL;
-- Still open at a day_started: expired then.
UPDATE service_sessions SET outcome = 'expired',
    ended_at = (SELECT MIN(d.at) FROM events d WHERE d.seq > service_sessions.id AND d.type = 'day_started')
  WHERE ended_at IS NULL AND EXISTS (SELECT 1 FROM events d WHERE d.seq > service_sessions.id AND d.type = 'day_started');
ALTER TABLE tickets ADD COLUMN session INTEGER;
UPDATE tickets SET session = (SELECT MAX(c.seq) FROM m3_calls c WHERE c.ticket = tickets.id) WHERE ended_at IS NULL;
DROP TABLE temp.m3_calls;
DROP TABLE temp.m3_ev;
DROP INDEX tickets_open;
DROP INDEX tickets_finished;
DROP INDEX service_sessions_open;
DROP INDEX service_sessions_clerk;
DROP INDEX idempotency_age;
-- A window's current visitor is the ticket called or served there: one place, not two.
ALTER TABLE windows DROP COLUMN current_ticket;
-- Keyed request id first: terminals send time-ordered ids (UUIDv7, docs/protocol.md), so every
-- device's records go to one append point instead of one per device.
CREATE TABLE idempotency_v3 (
  request_id TEXT NOT NULL,
  device TEXT NOT NULL,
  reply TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (request_id, device)
) WITHOUT ROWID;
-- Version 1 recorded no age (0 after version 2): they count from this upgrade, not from 1970.
INSERT INTO idempotency_v3 (request_id, device, reply, created_at)
  SELECT request_id, device, reply,
         CASE created_at WHEN 0 THEN CAST(strftime('%s', 'now') AS INTEGER) * 1000 ELSE created_at END
  FROM idempotency;
DROP TABLE idempotency;
ALTER TABLE idempotency_v3 RENAME TO idempotency;
)SQL",
    // 4: the device registry behind the bus's ZAP handler, and the devices' last status reports.
    R"SQL(
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  public_key TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('kiosk', 'counter', 'pad', 'board', 'manager', 'admin')),
  window INTEGER,
  note TEXT NOT NULL DEFAULT '',
  registered_at INTEGER NOT NULL,
  registered_by TEXT NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT
) WITHOUT ROWID;
-- A revoked key stays refused for good, even when its device id is registered again with a
-- new key: a leaked secret must never come back to life by accident.
CREATE TABLE revoked_keys (
  public_key TEXT PRIMARY KEY,
  device TEXT NOT NULL,
  revoked_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE device_status (
  device TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;
)SQL",
    // 5: ratings (一次一评). A window's rating slot lives on its row, so a restart keeps the
    // visitor's chance to vote; the session it rates is fixed when the slot opens, because the
    // ticket's own session pointer moves on if it is transferred and called elsewhere.
    // UNIQUE (session) is the store's own guard against a second vote, behind the engine's.
    R"SQL(
ALTER TABLE windows ADD COLUMN rate_ticket INTEGER;
ALTER TABLE windows ADD COLUMN rate_clerk TEXT;
ALTER TABLE windows ADD COLUMN rate_opened_at INTEGER;
ALTER TABLE windows ADD COLUMN rate_session INTEGER;
ALTER TABLE windows ADD COLUMN rated INTEGER NOT NULL DEFAULT 0;
CREATE TABLE ratings (
  id INTEGER PRIMARY KEY,          -- the seq of its ticket_rated event
  session INTEGER NOT NULL UNIQUE, -- one vote per service session
  ticket INTEGER NOT NULL,
  window INTEGER NOT NULL,
  clerk TEXT NOT NULL,
  device TEXT NOT NULL,
  at INTEGER NOT NULL,
  day INTEGER NOT NULL,
  rating TEXT NOT NULL,
  satisfied INTEGER NOT NULL CHECK (satisfied IN (0, 1)),
  tags TEXT
);
CREATE INDEX ratings_day ON ratings(day, clerk);
-- 回访 / 整改: one per unsatisfied vote, for managers.
CREATE TABLE follow_ups (
  id INTEGER PRIMARY KEY REFERENCES ratings(id),
  due_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_at INTEGER,
  closed_by TEXT,
  note TEXT
);
CREATE INDEX follow_ups_open ON follow_ups(due_at) WHERE status = 'open';
)SQL",
};

inline constexpr int kMigrationCount = int(sizeof(kMigrations) / sizeof(kMigrations[0]));

} // namespace hall::store
