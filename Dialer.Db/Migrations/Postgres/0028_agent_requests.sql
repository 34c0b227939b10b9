-- The pair of Sqlite/0028_agent_requests.sql (PostgreSQL): agent requests in columns of their own.
ALTER TABLE agent_states ADD COLUMN IF NOT EXISTS request TEXT NULL;
ALTER TABLE agent_states ADD COLUMN IF NOT EXISTS request_reason TEXT NULL;

UPDATE agent_states
SET request = CASE WHEN reason LIKE 'request:pause%' THEN 'pause' ELSE substr(reason, 9) END,
    request_reason = CASE WHEN reason LIKE 'request:pause:_%' THEN substr(reason, 15) ELSE NULL END,
    reason = CASE WHEN reason LIKE 'request:preview%' THEN 'preview' ELSE NULL END
WHERE reason LIKE 'request:%';
