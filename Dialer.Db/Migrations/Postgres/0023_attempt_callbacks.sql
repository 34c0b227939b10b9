-- The pair of Sqlite/0023_attempt_callbacks.sql (PostgreSQL). The callback an agent gave with the disposition of an
-- attempt. Given while the call is still up, the contact is still claimed for dialing: the end of the call
-- (AttemptStore.FinishAsync) reads it here and moves the contact to callback instead of following the call's
-- outcome.
CREATE TABLE IF NOT EXISTS attempt_callbacks (
    attempt_id         BIGINT  PRIMARY KEY,
    callback_at        BIGINT  NOT NULL,
    callback_agent_id  BIGINT  NULL,
    callback_open_at   BIGINT  NULL,
    created_at         BIGINT  NOT NULL
);
