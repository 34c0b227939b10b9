-- The agent desk's transfers and manual dial (issue 14). call_transfers: each time a call left an agent for another
-- agent or a number (blind, or after a consultation), who handed it over, to whom, and the disposition the first agent
-- gave in its wrap-up (the attempt's own agent_id and disposition are those of the agent who had the call at its end).
-- call_attempts.manual: 1 when an agent dialled the contact from the desk. Runs in one transaction with its
-- schema_version row.

CREATE TABLE IF NOT EXISTS call_transfers (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id     INTEGER NOT NULL REFERENCES call_attempts(id),
    from_agent_id  INTEGER NOT NULL REFERENCES users(id),
    to_agent_id    INTEGER NULL REFERENCES users(id),  -- transferred to this agent
    to_number      TEXT    NULL,                       -- or to this number (E.164)
    kind           TEXT    NOT NULL,                   -- blind | consult
    at             INTEGER NOT NULL,                   -- unix ms, when the call was put through
    disposition    TEXT    NULL,                       -- the first agent's, from its wrap-up
    notes          TEXT    NULL,
    wrap_seconds   REAL    NULL
);

CREATE INDEX IF NOT EXISTS ix_call_transfers_attempt ON call_transfers (attempt_id);
CREATE INDEX IF NOT EXISTS ix_call_transfers_from ON call_transfers (from_agent_id, at);

ALTER TABLE call_attempts ADD COLUMN manual INTEGER NOT NULL DEFAULT 0;
