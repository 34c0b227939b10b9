-- The KPI report (issue 14): each agent_state_log line keeps the campaigns the agent was signed in to at that change
-- (agent_states.campaigns_json then), so that sign-in and occupancy can be reported per campaign. NULL on lines
-- written before this migration (they count for no campaign).
ALTER TABLE agent_state_log ADD COLUMN campaigns_json TEXT NULL;
