-- The agent's phone in the browser (issue 11). The Api gives the signed-in agent's desk a short-lived SIP credential
-- for the agent's SIP user: a random secret shown once to the page, stored here only as its digest HA1 values, until
-- it expires; the Worker's registrar accepts it beside the phone's own password. Each Worker that offers SIP over
-- WebSocket writes the URL pages connect to on its workers row (the Api and the Worker share only the database).
-- users.browser_phone remembers the agent's choice "use this browser as my phone".
-- Re-runnable: every statement checks for existence first (the runner skips columns that exist).

CREATE TABLE IF NOT EXISTS browser_phone_credentials (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    sip_ha1_md5     TEXT    NOT NULL,          -- MD5(sip_username:realm:secret)
    sip_ha1_sha256  TEXT    NOT NULL,          -- SHA-256(sip_username:realm:secret)
    expires_at      INTEGER NOT NULL,          -- unix ms
    created_at      INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_browser_phone_credentials_user ON browser_phone_credentials (user_id, expires_at);

ALTER TABLE users ADD COLUMN browser_phone INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN sip_ws_url TEXT NULL;
