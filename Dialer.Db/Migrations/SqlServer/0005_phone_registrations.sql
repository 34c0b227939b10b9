-- The pair of Sqlite/0005_phone_registrations.sql.
IF OBJECT_ID(N'dbo.phone_registrations') IS NULL
CREATE TABLE dbo.phone_registrations (
    sip_username  NVARCHAR(100) PRIMARY KEY,
    agent_id      BIGINT NULL,
    registered    INT NOT NULL,
    contact       NVARCHAR(400) NULL,
    expires_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
