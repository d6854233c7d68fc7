-- Generator of hall-v1.db: a database at schema version 1 as hall-server 0.1 (the release before
-- service sessions) left it after the first 46 minutes of a business day. Run once:
--   sqlite3 tests/data/hall-v1.db < tests/data/make-hall-v1.sql
-- The result is checked in, so tests never depend on how this file is run. Do not regenerate an
-- existing fixture in place: a fixture stands for files already in the field.
--
-- The hall is tests/unit/tst_store.cpp's configuration: services NEW (A), RENEW (B), PICKUP (C);
-- window 1 serves NEW, 2 RENEW then NEW, 3 RENEW, 4 PICKUP; clerks c1..c5.
-- Times are UTC milliseconds; 1709510400000 is 08:00 on Monday 2024-03-04 in the hall (UTC+8),
-- business day 19786. The journal is exactly what the engine emits for the operations in the
-- comments, and the projections are what the version-1 store wrote for it.

PRAGMA journal_mode = WAL;

-- Migration 1 exactly as hall-server/store/schema.h has it, applied as the store applies it.
BEGIN IMMEDIATE;
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
PRAGMA user_version = 1;
COMMIT;

BEGIN IMMEDIATE;
-- Fixed instead of random, so the fixture's identity is known to the tests.
UPDATE meta SET value = '3f9c2b7e81d04a6c9e5b0d2f7a1c8e46' WHERE key = 'epoch';
UPDATE meta SET value = '1709337600000' WHERE key = 'created_at';
UPDATE meta SET value = '19786' WHERE key = 'day';

-- The configuration mirror, as syncConfig wrote it. PIN hashes are placeholders, not argon2.
INSERT INTO services (code, prefix, name_zh, name_en, estimated_service_seconds) VALUES
  ('NEW', 'A', '新办', 'New', 600),
  ('RENEW', 'B', '换领', 'Renewal', 300),
  ('PICKUP', 'C', '领证', 'Pick-up', 120);
INSERT INTO clerks (id, name, badge, pin_hash, role, photo) VALUES
  ('c1', 'Clerk 1', '', 'fixture-no-pin', 'clerk', NULL),
  ('c2', 'Clerk 2', '', 'fixture-no-pin', 'clerk', NULL),
  ('c3', 'Clerk 3', '', 'fixture-no-pin', 'clerk', NULL),
  ('c4', 'Clerk 4', '', 'fixture-no-pin', 'clerk', NULL),
  ('c5', 'Clerk 5', '', 'fixture-no-pin', 'clerk', NULL);

INSERT INTO events (seq, at, type, data) VALUES
  -- 07:50 signIn(1, c1): the first operation of the day starts it
  (1, 1709509800000, 'day_started', '{"day":19786}'),
  (2, 1709509800000, 'clerk_signed_in', '{"clerk":"c1","window":1}'),
  -- 07:52 signIn(2, c2); 07:55 signIn(3, c3)
  (3, 1709509920000, 'clerk_signed_in', '{"clerk":"c2","window":2}'),
  (4, 1709510100000, 'clerk_signed_in', '{"clerk":"c3","window":3}'),
  -- 08:01..08:04 issue NEW, NEW elderly, RENEW, PICKUP
  (5, 1709510460000, 'ticket_issued', '{"day":19786,"number":1,"priority":"normal","service":"NEW","ticket":1}'),
  (6, 1709510520000, 'ticket_issued', '{"day":19786,"number":2,"priority":"elderly","service":"NEW","ticket":2}'),
  (7, 1709510580000, 'ticket_issued', '{"day":19786,"number":1,"priority":"normal","service":"RENEW","ticket":3}'),
  (8, 1709510640000, 'ticket_issued', '{"day":19786,"number":1,"priority":"normal","service":"PICKUP","ticket":4}'),
  -- 08:05 callNext(1) takes the elderly A002 first; 08:05:30 startService(1)
  (9, 1709510700000, 'ticket_called', '{"clerk":"c1","ticket":2,"window":1}'),
  (10, 1709510730000, 'service_started', '{"clerk":"c1","ticket":2,"window":1}'),
  -- 08:06 callNext(2) B001; 08:07 recall(2); 08:08 noShow(2)
  (11, 1709510760000, 'ticket_called', '{"clerk":"c2","ticket":3,"window":2}'),
  (12, 1709510820000, 'ticket_recalled', '{"clerk":"c2","recalls":1,"ticket":3,"window":2}'),
  (13, 1709510880000, 'ticket_no_show', '{"clerk":"c2","ticket":3,"window":2}'),
  -- 08:09 issue NEW (A003); 08:15:30 finish(1) A002 after 600 s
  (14, 1709510940000, 'ticket_issued', '{"day":19786,"number":3,"priority":"normal","service":"NEW","ticket":5}'),
  (15, 1709511330000, 'ticket_finished', '{"clerk":"c1","ticket":2,"window":1}'),
  -- 08:16 callNext(1) A001; 08:16:20 startService(1); 08:20 transferToService(1, RENEW)
  (16, 1709511360000, 'ticket_called', '{"clerk":"c1","ticket":1,"window":1}'),
  (17, 1709511380000, 'service_started', '{"clerk":"c1","ticket":1,"window":1}'),
  (18, 1709511600000, 'ticket_transferred', '{"clerk":"c1","service":"RENEW","ticket":1,"window":1}'),
  -- 08:21 issue RENEW (B002); 08:22 callNext(3) A001, which kept its place from 08:01
  (19, 1709511660000, 'ticket_issued', '{"day":19786,"number":2,"priority":"normal","service":"RENEW","ticket":6}'),
  (20, 1709511720000, 'ticket_called', '{"clerk":"c3","ticket":1,"window":3}'),
  -- 08:23 startService(3); 08:30 finish(3) after 420 s
  (21, 1709511780000, 'service_started', '{"clerk":"c3","ticket":1,"window":3}'),
  (22, 1709512200000, 'ticket_finished', '{"clerk":"c3","ticket":1,"window":3}'),
  -- 08:31 callNext(2) B002; 08:32 startService(2): still being served
  (23, 1709512260000, 'ticket_called', '{"clerk":"c2","ticket":6,"window":2}'),
  (24, 1709512320000, 'service_started', '{"clerk":"c2","ticket":6,"window":2}'),
  -- 08:33 issue NEW (A004); 08:34 callNext(1) A003; 08:35 startService(1)
  (25, 1709512380000, 'ticket_issued', '{"day":19786,"number":4,"priority":"normal","service":"NEW","ticket":7}'),
  (26, 1709512440000, 'ticket_called', '{"clerk":"c1","ticket":5,"window":1}'),
  (27, 1709512500000, 'service_started', '{"clerk":"c1","ticket":5,"window":1}'),
  -- 08:39 transferToWindow(1, 4): A003 waits for window 4, which nobody has opened yet
  (28, 1709512740000, 'ticket_transferred', '{"clerk":"c1","targetWindow":4,"ticket":5,"window":1}'),
  -- 08:40 issue PICKUP (C002); 08:41 callNext(1) A004: called, not yet at the counter
  (29, 1709512800000, 'ticket_issued', '{"day":19786,"number":2,"priority":"normal","service":"PICKUP","ticket":8}'),
  (30, 1709512860000, 'ticket_called', '{"clerk":"c1","ticket":7,"window":1}'),
  -- 08:44 issue RENEW appointment (B003); 08:45 pause(3); 08:46 cancel(C001)
  (31, 1709513040000, 'ticket_issued', '{"day":19786,"number":3,"priority":"appointment","service":"RENEW","ticket":9}'),
  (32, 1709513100000, 'window_paused', '{"clerk":"c3","window":3}'),
  (33, 1709513160000, 'ticket_cancelled', '{"ticket":4}');

INSERT INTO tickets (id, day, service, original_service, number, label, priority, status, issued_at, queued_at,
                     called_at, first_called_at, serving_at, ended_at, window, target_window, clerk, recalls, transfers) VALUES
  (1, 19786, 'RENEW', 'NEW', 1, 'A001', 'normal', 'finished', 1709510460000, 1709510460000,
      1709511720000, 1709511360000, 1709511780000, 1709512200000, 3, NULL, 'c3', 0, 1),
  (2, 19786, 'NEW', 'NEW', 2, 'A002', 'elderly', 'finished', 1709510520000, 1709510520000,
      1709510700000, 1709510700000, 1709510730000, 1709511330000, 1, NULL, 'c1', 0, 0),
  (3, 19786, 'RENEW', 'RENEW', 1, 'B001', 'normal', 'no_show', 1709510580000, 1709510580000,
      1709510820000, 1709510760000, NULL, 1709510880000, 2, NULL, 'c2', 1, 0),
  (4, 19786, 'PICKUP', 'PICKUP', 1, 'C001', 'normal', 'cancelled', 1709510640000, 1709510640000,
      NULL, NULL, NULL, 1709513160000, NULL, NULL, NULL, 0, 0),
  (5, 19786, 'NEW', 'NEW', 3, 'A003', 'normal', 'waiting', 1709510940000, 1709510940000,
      1709512440000, 1709512440000, NULL, NULL, 1, 4, 'c1', 0, 1),
  (6, 19786, 'RENEW', 'RENEW', 2, 'B002', 'normal', 'serving', 1709511660000, 1709511660000,
      1709512260000, 1709512260000, 1709512320000, NULL, 2, NULL, 'c2', 0, 0),
  (7, 19786, 'NEW', 'NEW', 4, 'A004', 'normal', 'called', 1709512380000, 1709512380000,
      1709512860000, 1709512860000, NULL, NULL, 1, NULL, 'c1', 0, 0),
  (8, 19786, 'PICKUP', 'PICKUP', 2, 'C002', 'normal', 'waiting', 1709512800000, 1709512800000,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0),
  (9, 19786, 'RENEW', 'RENEW', 3, 'B003', 'appointment', 'waiting', 1709513040000, 1709513040000,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0);

INSERT INTO windows (number, name, services, clerk, paused, current_ticket, opened_at) VALUES
  (1, '1号窗口', '["NEW"]', 'c1', 0, 7, 1709509800000),
  (2, '2号窗口', '["RENEW","NEW"]', 'c2', 0, 6, 1709509920000),
  (3, '3号窗口', '["RENEW"]', 'c3', 1, NULL, 1709510100000),
  (4, '4号窗口', '["PICKUP"]', NULL, 0, NULL, NULL);

-- Replies kept for terminals that retry a request; version 1 recorded no age for them.
INSERT INTO idempotency (device, request_id, reply) VALUES
  ('kiosk-1', 'k1-0001', '{"label":"A001","ok":true,"ticket":1}'),
  ('kiosk-1', 'k1-0002', '{"label":"A002","ok":true,"ticket":2}'),
  ('kiosk-1', 'k1-0009', '{"label":"B003","ok":true,"ticket":9}'),
  ('window-1', 'w1-0031', '{"ok":true,"ticket":7}'),
  ('window-3', 'w3-0012', '{"ok":true}');
COMMIT;
