-- The pair of Sqlite/0035_state_log_campaigns.sql (PostgreSQL): the campaigns of each state change.
ALTER TABLE agent_state_log ADD COLUMN IF NOT EXISTS campaigns_json TEXT NULL;
