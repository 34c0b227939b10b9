-- The pair of Sqlite/0040_action_audit.sql: who did what to whom, and when.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.action_audit') IS NULL
CREATE TABLE dbo.action_audit (
    id             BIGINT IDENTITY(1,1) PRIMARY KEY,
    at             BIGINT         NOT NULL,
    actor_user_id  BIGINT         NULL,
    actor_key_id   BIGINT         NULL,
    actor_name     NVARCHAR(200)  NOT NULL,
    action         NVARCHAR(40)   NOT NULL,
    target_kind    NVARCHAR(20)   NOT NULL,
    target_id      BIGINT         NULL,
    target_name    NVARCHAR(400)  NULL,
    campaign_id    BIGINT         NULL,
    detail_json    NVARCHAR(MAX)  NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_action_audit_action' AND object_id = OBJECT_ID(N'dbo.action_audit'))
CREATE INDEX ix_action_audit_action ON dbo.action_audit (action, id);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_action_audit_at' AND object_id = OBJECT_ID(N'dbo.action_audit'))
CREATE INDEX ix_action_audit_at ON dbo.action_audit (at);
GO
