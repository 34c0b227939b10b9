-- Trunk test calls (SQL Server): an administrator asks through the Api, a worker claims the row (queued ->
-- running by compare-and-set), dials the number through its configured carrier and stores the result.
-- Re-runnable: every statement checks for existence first. Times are epoch milliseconds.

IF OBJECT_ID(N'dbo.test_calls') IS NULL
CREATE TABLE dbo.test_calls (
    id            BIGINT IDENTITY(1,1) PRIMARY KEY,
    number        NVARCHAR(32)   NOT NULL,
    requested_by  NVARCHAR(200)  NOT NULL,
    state         NVARCHAR(20)   NOT NULL,
    result_json   NVARCHAR(MAX)  NULL,
    created_at    BIGINT NOT NULL,
    started_at    BIGINT NULL,
    finished_at   BIGINT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_test_calls_state')
CREATE INDEX ix_test_calls_state ON dbo.test_calls (state, created_at);
GO
