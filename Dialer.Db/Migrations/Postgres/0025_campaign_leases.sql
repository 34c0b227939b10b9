-- The worker tier on Hangfire (PostgreSQL, the pair of Sqlite/0025_campaign_leases.sql): the campaign lease that
-- decides which Worker runs a campaign's engine, the Workers' heartbeats, and the end of Quartz's tables.
-- Re-runnable: every statement checks for existence first.

-- One row per campaign that has ever dialed. A Worker runs the campaign's engine only while it holds the row:
-- taken by compare-and-set when free, expired or its own, renewed every few seconds. The epoch grows on every
-- takeover and fences the engine's writes: a write made under an older epoch changes nothing.
CREATE TABLE IF NOT EXISTS campaign_leases (
    campaign_id  BIGINT  PRIMARY KEY,
    owner        TEXT    NOT NULL,     -- Dialing:WorkerId of the holder
    epoch        BIGINT  NOT NULL,     -- fencing token: 1 on the first take, +1 on every takeover
    expires_at   BIGINT  NOT NULL,     -- unix ms; the lease is free after this unless renewed
    taken_at     BIGINT  NOT NULL,
    renewed_at   BIGINT  NOT NULL
);

-- Every Worker process: written at start, refreshed with its leases. Live workers (fresh heartbeat) share the
-- campaigns; a worker id that is live in another process cannot start twice.
CREATE TABLE IF NOT EXISTS workers (
    worker_id     TEXT    PRIMARY KEY,
    host          TEXT    NOT NULL,
    process_id    BIGINT  NOT NULL,
    started_at    BIGINT  NOT NULL,
    heartbeat_at  BIGINT  NOT NULL,
    job_storage   TEXT    NOT NULL,    -- Hangfire storage: inmemory | sqlserver | postgres
    stopped_at    BIGINT  NULL         -- set on a clean stop
);

-- Quartz stood in for Hangfire until now; its tables (made by Quartz itself) go, children first. PostgreSQL folds
-- unquoted names to lower case, and Quartz's PostgreSQL script made them lower case: qrtz_….
DROP TABLE IF EXISTS qrtz_fired_triggers;
DROP TABLE IF EXISTS qrtz_paused_trigger_grps;
DROP TABLE IF EXISTS qrtz_scheduler_state;
DROP TABLE IF EXISTS qrtz_locks;
DROP TABLE IF EXISTS qrtz_simple_triggers;
DROP TABLE IF EXISTS qrtz_simprop_triggers;
DROP TABLE IF EXISTS qrtz_cron_triggers;
DROP TABLE IF EXISTS qrtz_blob_triggers;
DROP TABLE IF EXISTS qrtz_triggers;
DROP TABLE IF EXISTS qrtz_job_details;
DROP TABLE IF EXISTS qrtz_calendars;
