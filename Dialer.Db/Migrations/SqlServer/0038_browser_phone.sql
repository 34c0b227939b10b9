-- The pair of Sqlite/0038_browser_phone.sql: the browser phone's short-lived SIP credentials, the agent's remembered
-- choice, and the WebSocket URL each Worker offers.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.browser_phone_credentials') IS NULL
CREATE TABLE dbo.browser_phone_credentials (
    id              BIGINT IDENTITY(1,1) PRIMARY KEY,
    user_id         BIGINT        NOT NULL REFERENCES dbo.users(id),
    sip_ha1_md5     NVARCHAR(64)  NOT NULL,
    sip_ha1_sha256  NVARCHAR(64)  NOT NULL,
    expires_at      BIGINT        NOT NULL,
    created_at      BIGINT        NOT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_browser_phone_credentials_user' AND object_id = OBJECT_ID(N'dbo.browser_phone_credentials'))
CREATE INDEX ix_browser_phone_credentials_user ON dbo.browser_phone_credentials (user_id, expires_at);
GO
IF COL_LENGTH(N'dbo.users', N'browser_phone') IS NULL
ALTER TABLE dbo.users ADD browser_phone SMALLINT NOT NULL CONSTRAINT df_users_browser_phone DEFAULT 0;
GO
IF COL_LENGTH(N'dbo.workers', N'sip_ws_url') IS NULL
ALTER TABLE dbo.workers ADD sip_ws_url NVARCHAR(400) NULL;
GO
