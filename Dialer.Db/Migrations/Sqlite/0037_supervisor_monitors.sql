-- A supervisor on an agent's call (issue 14): listen, whisper (coach) or barge. The supervisor asks from the agent
-- board (Api); the Worker whose engine has the agent on a call rings the supervisor's phone and, once it answers,
-- mixes it into the call as the mode says; it ends when the call ends, the supervisor hangs up or asks to leave.
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS supervisor_monitors (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    supervisor_id  INTEGER NOT NULL REFERENCES users(id),
    agent_id       INTEGER NOT NULL REFERENCES users(id),
    mode           TEXT    NOT NULL,           -- listen | whisper | barge
    state          TEXT    NOT NULL,           -- requested | calling | on | ended
    end_requested  INTEGER NOT NULL DEFAULT 0, -- 1: the supervisor asked to leave
    attempt_id     INTEGER NULL,               -- the call being monitored, once known
    reason         TEXT    NULL,               -- why it ended: left | call_ended | supervisor_hung_up | no_call | failed
    created_at     INTEGER NOT NULL,           -- unix ms
    updated_at     INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_supervisor_monitors_open ON supervisor_monitors (state, agent_id);
CREATE INDEX IF NOT EXISTS ix_supervisor_monitors_supervisor ON supervisor_monitors (supervisor_id, state);
