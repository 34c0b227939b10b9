-- The pair of Sqlite/0026_phone_registration_holders.sql: which Worker holds each registered agent phone.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.phone_registration_holders') IS NULL
CREATE TABLE dbo.phone_registration_holders (
    sip_username  NVARCHAR(100) PRIMARY KEY,
    worker_id     NVARCHAR(200) NOT NULL,
    updated_at    BIGINT        NOT NULL
);
GO
