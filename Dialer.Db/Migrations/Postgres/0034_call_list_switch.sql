-- The pair of Sqlite/0034_call_list_switch.sql (PostgreSQL): a list switched off is not dialed. NULL: on.
ALTER TABLE call_lists ADD COLUMN IF NOT EXISTS disabled_at BIGINT NULL;
