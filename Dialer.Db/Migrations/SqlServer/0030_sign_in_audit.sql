-- The pair of Sqlite/0030_sign_in_audit.sql: every sign-in attempt.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.sign_in_audit') IS NULL
CREATE TABLE dbo.sign_in_audit (
    id          BIGINT IDENTITY(1,1) PRIMARY KEY,
    username    NVARCHAR(200) NOT NULL,
    user_id     BIGINT        NULL,
    address     NVARCHAR(64)  NULL,
    channel     NVARCHAR(10)  NOT NULL,
    success     SMALLINT      NOT NULL,
    reason      NVARCHAR(20)  NOT NULL,
    at          BIGINT        NOT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_sign_in_audit_user' AND object_id = OBJECT_ID(N'dbo.sign_in_audit'))
CREATE INDEX ix_sign_in_audit_user ON dbo.sign_in_audit (username, at);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_sign_in_audit_at' AND object_id = OBJECT_ID(N'dbo.sign_in_audit'))
CREATE INDEX ix_sign_in_audit_at ON dbo.sign_in_audit (at);
GO
