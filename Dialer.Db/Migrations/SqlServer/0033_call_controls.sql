-- The pair of Sqlite/0033_call_controls.sql: the agent desk's call controls.
IF COL_LENGTH(N'dbo.agent_states', N'call_controls') IS NULL
ALTER TABLE dbo.agent_states ADD call_controls NVARCHAR(400) NULL;
GO
