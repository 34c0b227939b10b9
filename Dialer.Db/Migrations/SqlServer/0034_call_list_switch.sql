-- The pair of Sqlite/0034_call_list_switch.sql: a list switched off is not dialed. NULL: on.
IF COL_LENGTH(N'dbo.call_lists', N'disabled_at') IS NULL
ALTER TABLE dbo.call_lists ADD disabled_at BIGINT NULL;
GO
