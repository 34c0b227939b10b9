-- Trunk test calls (SQLite): an administrator asks through the Api, a worker claims the row (queued ->
-- running by compare-and-set), dials the number through its configured carrier and stores the result.
-- Re-runnable: every statement checks for existence first. Times are epoch milliseconds.

CREATE TABLE IF NOT EXISTS test_calls (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    number        TEXT    NOT NULL,     -- E.164
    requested_by  TEXT    NOT NULL,     -- the admin's name (user or API key)
    state         TEXT    NOT NULL,     -- queued | running | done | failed
    result_json   TEXT    NULL,         -- the same object scripts/test-call prints, plus carrier
    created_at    INTEGER NOT NULL,
    started_at    INTEGER NULL,
    finished_at   INTEGER NULL
);
CREATE INDEX IF NOT EXISTS ix_test_calls_state ON test_calls (state, created_at);
