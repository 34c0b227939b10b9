-- The worker tier on Hangfire (SQLite): the campaign lease that decides which Worker runs a campaign's engine, the
-- Workers' heartbeats, and the end of Quartz's tables.
-- Re-runnable: every statement checks for existence first.

-- One row per campaign that has ever dialed. A Worker runs the campaign's engine only while it holds the row:
-- taken by compare-and-set when free, expired or its own, renewed every few seconds. The epoch grows on every
-- takeover and fences the engine's writes: a write made under an older epoch changes nothing.
CREATE TABLE IF NOT EXISTS campaign_leases (
    campaign_id  INTEGER PRIMARY KEY,
    owner        TEXT    NOT NULL,     -- Dialing:WorkerId of the holder
    epoch        INTEGER NOT NULL,     -- fencing token: 1 on the first take, +1 on every takeover
    expires_at   INTEGER NOT NULL,     -- unix ms; the lease is free after this unless renewed
    taken_at     INTEGER NOT NULL,
    renewed_at   INTEGER NOT NULL
);

-- Every Worker process: written at start, refreshed with its leases. Live workers (fresh heartbeat) share the
-- campaigns; a worker id that is live in another process cannot start twice.
CREATE TABLE IF NOT EXISTS workers (
    worker_id     TEXT    PRIMARY KEY,
    host          TEXT    NOT NULL,
    process_id    INTEGER NOT NULL,
    started_at    INTEGER NOT NULL,
    heartbeat_at  INTEGER NOT NULL,
    job_storage   TEXT    NOT NULL,    -- Hangfire storage: inmemory | sqlserver | postgres
    stopped_at    INTEGER NULL         -- set on a clean stop
);

-- Quartz stood in for Hangfire until now; its tables (made by Quartz itself) go, children first.
DROP TABLE IF EXISTS QRTZ_FIRED_TRIGGERS;
DROP TABLE IF EXISTS QRTZ_PAUSED_TRIGGER_GRPS;
DROP TABLE IF EXISTS QRTZ_SCHEDULER_STATE;
DROP TABLE IF EXISTS QRTZ_LOCKS;
DROP TABLE IF EXISTS QRTZ_SIMPLE_TRIGGERS;
DROP TABLE IF EXISTS QRTZ_SIMPROP_TRIGGERS;
DROP TABLE IF EXISTS QRTZ_CRON_TRIGGERS;
DROP TABLE IF EXISTS QRTZ_BLOB_TRIGGERS;
DROP TABLE IF EXISTS QRTZ_TRIGGERS;
DROP TABLE IF EXISTS QRTZ_JOB_DETAILS;
DROP TABLE IF EXISTS QRTZ_CALENDARS;
