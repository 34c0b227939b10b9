-- Housekeeping (PostgreSQL, the pair of Sqlite/0022_housekeeping.sql): the purge of old Idempotency-Keys and of
-- expired sign-in sessions finds its rows by these indexes instead of scanning the tables.
-- Re-runnable: every statement checks for existence first.

CREATE INDEX IF NOT EXISTS ix_idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX IF NOT EXISTS ix_user_sessions_expires ON user_sessions (expires_at);
