-- The agent desk's call controls (issue 14): what the agent wants of the call in progress, as JSON
-- {"attemptId":…,"hold":bool,"mute":bool,"hangup":bool}. The Api writes it (compare-and-set on the row version, like a
-- request); the engine reads it with the row and brings the call to it (hold music, muted agent audio, hang-up). It
-- names the attempt, so a value left from an earlier call is ignored; the engine's next state change clears it.
ALTER TABLE agent_states ADD COLUMN call_controls TEXT NULL;
