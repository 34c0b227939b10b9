-- The pair of Sqlite/0023_attempt_callbacks.sql.
IF OBJECT_ID(N'dbo.attempt_callbacks') IS NULL
CREATE TABLE dbo.attempt_callbacks (
    attempt_id         BIGINT PRIMARY KEY,
    callback_at        BIGINT NOT NULL,
    callback_agent_id  BIGINT NULL,
    callback_open_at   BIGINT NULL,
    created_at         BIGINT NOT NULL
);
