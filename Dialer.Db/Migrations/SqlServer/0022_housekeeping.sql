-- Housekeeping (SQL Server): the purge of old Idempotency-Keys and of expired sign-in sessions finds its rows
-- by these indexes instead of scanning the tables.
-- Re-runnable: every statement checks for existence first.

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_idempotency_keys_created')
CREATE INDEX ix_idempotency_keys_created ON dbo.idempotency_keys (created_at);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_user_sessions_expires')
CREATE INDEX ix_user_sessions_expires ON dbo.user_sessions (expires_at);
GO
