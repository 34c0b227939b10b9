-- The pair of Sqlite/0025_campaign_leases.sql: the campaign lease, the Workers' heartbeats, and the end of Quartz's
-- tables. Hangfire keeps its own tables in the `hangfire` schema (created by Hangfire.SqlServer itself).
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.campaign_leases') IS NULL
CREATE TABLE dbo.campaign_leases (
    campaign_id  BIGINT        PRIMARY KEY,
    owner        NVARCHAR(200) NOT NULL,
    epoch        BIGINT        NOT NULL,
    expires_at   BIGINT        NOT NULL,
    taken_at     BIGINT        NOT NULL,
    renewed_at   BIGINT        NOT NULL
);
GO

IF OBJECT_ID(N'dbo.workers') IS NULL
CREATE TABLE dbo.workers (
    worker_id     NVARCHAR(200) PRIMARY KEY,
    host          NVARCHAR(200) NOT NULL,
    process_id    INT           NOT NULL,
    started_at    BIGINT        NOT NULL,
    heartbeat_at  BIGINT        NOT NULL,
    job_storage   NVARCHAR(20)  NOT NULL,
    stopped_at    BIGINT        NULL
);
GO

IF OBJECT_ID(N'dbo.QRTZ_FIRED_TRIGGERS') IS NOT NULL DROP TABLE dbo.QRTZ_FIRED_TRIGGERS;
IF OBJECT_ID(N'dbo.QRTZ_PAUSED_TRIGGER_GRPS') IS NOT NULL DROP TABLE dbo.QRTZ_PAUSED_TRIGGER_GRPS;
IF OBJECT_ID(N'dbo.QRTZ_SCHEDULER_STATE') IS NOT NULL DROP TABLE dbo.QRTZ_SCHEDULER_STATE;
IF OBJECT_ID(N'dbo.QRTZ_LOCKS') IS NOT NULL DROP TABLE dbo.QRTZ_LOCKS;
IF OBJECT_ID(N'dbo.QRTZ_SIMPLE_TRIGGERS') IS NOT NULL DROP TABLE dbo.QRTZ_SIMPLE_TRIGGERS;
IF OBJECT_ID(N'dbo.QRTZ_SIMPROP_TRIGGERS') IS NOT NULL DROP TABLE dbo.QRTZ_SIMPROP_TRIGGERS;
IF OBJECT_ID(N'dbo.QRTZ_CRON_TRIGGERS') IS NOT NULL DROP TABLE dbo.QRTZ_CRON_TRIGGERS;
IF OBJECT_ID(N'dbo.QRTZ_BLOB_TRIGGERS') IS NOT NULL DROP TABLE dbo.QRTZ_BLOB_TRIGGERS;
IF OBJECT_ID(N'dbo.QRTZ_TRIGGERS') IS NOT NULL DROP TABLE dbo.QRTZ_TRIGGERS;
IF OBJECT_ID(N'dbo.QRTZ_JOB_DETAILS') IS NOT NULL DROP TABLE dbo.QRTZ_JOB_DETAILS;
IF OBJECT_ID(N'dbo.QRTZ_CALENDARS') IS NOT NULL DROP TABLE dbo.QRTZ_CALENDARS;
GO
