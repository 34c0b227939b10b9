-- The pair of Sqlite/0031_voicemail_left.sql (PostgreSQL): the machine message was left.
ALTER TABLE call_attempts ADD COLUMN IF NOT EXISTS voicemail_left BIGINT NOT NULL DEFAULT 0;
