-- The pair of Sqlite/0027_import_claims.sql: which Api instance runs each import.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.import_claims') IS NULL
CREATE TABLE dbo.import_claims (
    import_id     BIGINT        PRIMARY KEY,
    instance_id   NVARCHAR(200) NOT NULL,
    heartbeat_at  BIGINT        NOT NULL
);
GO
