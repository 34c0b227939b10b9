-- The pair of Sqlite/0028_agent_requests.sql: agent requests in columns of their own.
IF COL_LENGTH(N'dbo.agent_states', N'request') IS NULL
ALTER TABLE dbo.agent_states ADD request NVARCHAR(20) NULL, request_reason NVARCHAR(100) NULL;
GO
UPDATE dbo.agent_states
SET request = CASE WHEN reason LIKE 'request:pause%' THEN 'pause' ELSE SUBSTRING(reason, 9, 20) END,
    request_reason = CASE WHEN reason LIKE 'request:pause:_%' THEN SUBSTRING(reason, 15, 100) ELSE NULL END,
    reason = CASE WHEN reason LIKE 'request:preview%' THEN 'preview' ELSE NULL END
WHERE reason LIKE 'request:%';
GO
