-- The pair of Sqlite/0039_desk_transfers.sql: the agent desk's transfers and manual dial.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.call_transfers') IS NULL
CREATE TABLE dbo.call_transfers (
    id             BIGINT IDENTITY(1,1) PRIMARY KEY,
    attempt_id     BIGINT        NOT NULL REFERENCES dbo.call_attempts(id),
    from_agent_id  BIGINT        NOT NULL REFERENCES dbo.users(id),
    to_agent_id    BIGINT        NULL REFERENCES dbo.users(id),
    to_number      NVARCHAR(32)  NULL,
    kind           NVARCHAR(10)  NOT NULL,
    at             BIGINT        NOT NULL,
    disposition    NVARCHAR(100) NULL,
    notes          NVARCHAR(MAX) NULL,
    wrap_seconds   FLOAT         NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_call_transfers_attempt' AND object_id = OBJECT_ID(N'dbo.call_transfers'))
CREATE INDEX ix_call_transfers_attempt ON dbo.call_transfers (attempt_id);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_call_transfers_from' AND object_id = OBJECT_ID(N'dbo.call_transfers'))
CREATE INDEX ix_call_transfers_from ON dbo.call_transfers (from_agent_id, at);
GO
IF COL_LENGTH(N'dbo.call_attempts', N'manual') IS NULL
ALTER TABLE dbo.call_attempts ADD manual SMALLINT NOT NULL DEFAULT 0;
GO
