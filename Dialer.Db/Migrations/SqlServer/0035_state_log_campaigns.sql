-- The pair of Sqlite/0035_state_log_campaigns.sql: the campaigns of each state change.
IF COL_LENGTH(N'dbo.agent_state_log', N'campaigns_json') IS NULL
ALTER TABLE dbo.agent_state_log ADD campaigns_json NVARCHAR(MAX) NULL;
GO
