-- Every sign-in attempt, API (POST /api/auth/login) and page (/login) alike (issue 13): the user name tried, the
-- user when one has that name, the caller's address, the time and the result. Read by admins through
-- GET /api/audit/sign-ins; the per-user lockout counts the failures here, so it holds across Api instances.
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS sign_in_audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    username    TEXT    NOT NULL,       -- as tried (trimmed, at most 200 characters)
    user_id     INTEGER NULL,           -- the user with that name, when there is one
    address     TEXT    NULL,           -- the caller's IP address
    channel     TEXT    NOT NULL,       -- api | page
    success     INTEGER NOT NULL,       -- 1 signed in, 0 refused
    reason      TEXT    NOT NULL,       -- ok | bad_password | unknown_user | disabled | locked
    at          INTEGER NOT NULL        -- unix ms
);

CREATE INDEX IF NOT EXISTS ix_sign_in_audit_user ON sign_in_audit (username, at);
CREATE INDEX IF NOT EXISTS ix_sign_in_audit_at ON sign_in_audit (at);
