-- Agent requests in columns of their own (issue 17). A request is what an agent asked while the engine owns the
-- agent (reserved, on a call, in wrap-up): pause (with its reason), logout, ready (cancels a pending pause or
-- logout), preview_dial, preview_skip. It used to travel inside reason as "request:<kind>[:<pause reason>]".
-- Runs in one transaction with its schema_version row, so a crash leaves either all of it or nothing.
ALTER TABLE agent_states ADD COLUMN request TEXT NULL;          -- pause | logout | ready | preview_dial | preview_skip
ALTER TABLE agent_states ADD COLUMN request_reason TEXT NULL;   -- the pause reason of a pause request

-- Rows written before: the request moves to the new columns; reason gets back what it held before the request
-- ("preview" for an offered contact; nothing otherwise).
UPDATE agent_states
SET request = CASE WHEN reason LIKE 'request:pause%' THEN 'pause' ELSE substr(reason, 9) END,
    request_reason = CASE WHEN reason LIKE 'request:pause:_%' THEN substr(reason, 15) ELSE NULL END,
    reason = CASE WHEN reason LIKE 'request:preview%' THEN 'preview' ELSE NULL END
WHERE reason LIKE 'request:%';
