-- The pair of Sqlite/0037_supervisor_monitors.sql: a supervisor on an agent's call.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.supervisor_monitors') IS NULL
CREATE TABLE dbo.supervisor_monitors (
    id             BIGINT IDENTITY(1,1) PRIMARY KEY,
    supervisor_id  BIGINT        NOT NULL REFERENCES dbo.users(id),
    agent_id       BIGINT        NOT NULL REFERENCES dbo.users(id),
    mode           NVARCHAR(10)  NOT NULL,
    state          NVARCHAR(10)  NOT NULL,
    end_requested  SMALLINT      NOT NULL DEFAULT 0,
    attempt_id     BIGINT        NULL,
    reason         NVARCHAR(30)  NULL,
    created_at     BIGINT        NOT NULL,
    updated_at     BIGINT        NOT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_supervisor_monitors_open' AND object_id = OBJECT_ID(N'dbo.supervisor_monitors'))
CREATE INDEX ix_supervisor_monitors_open ON dbo.supervisor_monitors (state, agent_id);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_supervisor_monitors_supervisor' AND object_id = OBJECT_ID(N'dbo.supervisor_monitors'))
CREATE INDEX ix_supervisor_monitors_supervisor ON dbo.supervisor_monitors (supervisor_id, state);
GO
