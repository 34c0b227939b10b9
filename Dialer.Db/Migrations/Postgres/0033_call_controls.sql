-- The pair of Sqlite/0033_call_controls.sql (PostgreSQL): the agent desk's call controls.
ALTER TABLE agent_states ADD COLUMN IF NOT EXISTS call_controls TEXT NULL;
