-- The pair of Sqlite/0024_phone_registration_sources.sql: where each registered agent phone can be reached again.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.phone_registration_sources') IS NULL
CREATE TABLE dbo.phone_registration_sources (
    sip_username    NVARCHAR(100) PRIMARY KEY,
    transport       NVARCHAR(10)  NOT NULL,
    source_address  NVARCHAR(64)  NOT NULL,
    source_port     INT           NOT NULL
);
GO
