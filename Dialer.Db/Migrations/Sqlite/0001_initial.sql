-- The product schema (SQLite). Times are INTEGER milliseconds since the Unix epoch (UTC), the same
-- in both dialects. Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL,
    role         TEXT    NOT NULL,             -- admin | manager | billing
    key_prefix   TEXT    NOT NULL,             -- first characters, shown in lists
    key_hash     TEXT    NOT NULL UNIQUE,      -- SHA-256 of the whole key, hex
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER NULL,
    last_used_at INTEGER NULL
);

CREATE TABLE IF NOT EXISTS users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    username        TEXT    NOT NULL UNIQUE,
    display_name    TEXT    NOT NULL,
    role            TEXT    NOT NULL,          -- admin | manager | agent
    password_hash   TEXT    NOT NULL,          -- PBKDF2-SHA256 with salt and iterations
    sip_username    TEXT    NULL UNIQUE,       -- agents: their phone's SIP user
    sip_ha1_md5     TEXT    NULL,              -- MD5(user:realm:password)
    sip_ha1_sha256  TEXT    NULL,              -- SHA-256(user:realm:password)
    language        TEXT    NOT NULL DEFAULT 'en',
    disabled_at     INTEGER NULL,
    created_at      INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS user_sessions (
    token_hash  TEXT    PRIMARY KEY,           -- SHA-256 of the session token
    user_id     INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS campaigns (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL,
    type         TEXT    NOT NULL,             -- care | survey | retention | billing_reminder | marketing
    mode         TEXT    NOT NULL,             -- preview | progressive | predictive | agentless
    status       TEXT    NOT NULL,             -- draft | running | paused | stopped
    config_json  TEXT    NOT NULL,             -- the whole definition as the API accepts it
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    status_changed_at INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS call_lists (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    name         TEXT    NOT NULL,
    source       TEXT    NOT NULL,             -- import | api | billing
    created_at   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS contacts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns(id),
    list_id          INTEGER NULL REFERENCES call_lists(id),
    phone            TEXT    NOT NULL,         -- E.164
    alt_phones       TEXT    NULL,             -- JSON array of E.164
    name             TEXT    NULL,
    time_zone        TEXT    NOT NULL,         -- IANA
    account_id       TEXT    NULL,
    custom_json      TEXT    NULL,             -- JSON object of the other columns
    state            TEXT    NOT NULL,         -- new | dialing | retry | callback | done | dnc | invalid | cancelled
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_eligible_at INTEGER NOT NULL DEFAULT 0,
    eligible_reason  TEXT    NULL,             -- why next_eligible_at is in the future
    priority         INTEGER NOT NULL DEFAULT 0,
    last_attempt_at  INTEGER NULL,
    last_outcome     TEXT    NULL,
    abandoned_at     INTEGER NULL,
    callback_at      INTEGER NULL,
    callback_agent_id INTEGER NULL,
    callback_open_at INTEGER NULL,             -- owned callbacks open to anyone from then
    locked_by        TEXT    NULL,             -- worker that claimed the contact
    locked_at        INTEGER NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (campaign_id, phone)
);
CREATE INDEX IF NOT EXISTS ix_contacts_due ON contacts (campaign_id, state, next_eligible_at, priority);
CREATE INDEX IF NOT EXISTS ix_contacts_account ON contacts (campaign_id, account_id);

CREATE TABLE IF NOT EXISTS dnc_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    phone        TEXT    NOT NULL,             -- E.164
    campaign_id  INTEGER NOT NULL DEFAULT 0,   -- 0: global
    source       TEXT    NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NULL,
    UNIQUE (phone, campaign_id)
);

CREATE TABLE IF NOT EXISTS imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL,            -- contacts | dnc
    campaign_id   INTEGER NULL,
    list_id       INTEGER NULL,
    file_name     TEXT    NULL,
    status        TEXT    NOT NULL,            -- queued | running | completed | failed
    total         INTEGER NOT NULL DEFAULT 0,
    imported      INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    invalid       INTEGER NOT NULL DEFAULT 0,
    dnc           INTEGER NOT NULL DEFAULT 0,
    error         TEXT    NULL,
    created_by    TEXT    NULL,
    created_at    INTEGER NOT NULL,
    completed_at  INTEGER NULL
);

CREATE TABLE IF NOT EXISTS import_errors (
    import_id  INTEGER NOT NULL REFERENCES imports(id),
    row_number INTEGER NOT NULL,
    kind       TEXT    NOT NULL,               -- invalid | duplicate | dnc
    reason     TEXT    NOT NULL,
    raw        TEXT    NULL,
    PRIMARY KEY (import_id, row_number)
);

CREATE TABLE IF NOT EXISTS agent_campaigns (
    agent_id     INTEGER NOT NULL REFERENCES users(id),
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    PRIMARY KEY (agent_id, campaign_id)
);

CREATE TABLE IF NOT EXISTS agent_states (
    agent_id        INTEGER PRIMARY KEY REFERENCES users(id),
    state           TEXT    NOT NULL,          -- logged_out | ready | reserved | on_call | wrap_up | paused
    reason          TEXT    NULL,
    campaigns_json  TEXT    NOT NULL DEFAULT '[]',
    since           INTEGER NOT NULL,
    attempt_id      INTEGER NULL,
    contact_id      INTEGER NULL,
    wrap_until      INTEGER NULL,
    version         INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS agent_state_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id  INTEGER NOT NULL,
    state     TEXT    NOT NULL,
    reason    TEXT    NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_agent_state_log ON agent_state_log (agent_id, at);

CREATE TABLE IF NOT EXISTS call_attempts (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id        INTEGER NOT NULL,
    contact_id         INTEGER NOT NULL,
    phone              TEXT    NOT NULL,
    agent_id           INTEGER NULL,
    worker_id          TEXT    NULL,
    carrier            TEXT    NULL,
    call_id            TEXT    NULL,
    queued_at          INTEGER NOT NULL,
    dialed_at          INTEGER NULL,
    ringing_at         INTEGER NULL,
    answered_at        INTEGER NULL,
    agent_connected_at INTEGER NULL,
    ended_at           INTEGER NULL,
    outcome            TEXT    NULL,           -- connected | busy | no_answer | machine | abandoned | invalid | declined | failed
    sip_code           INTEGER NULL,
    sip_reason         TEXT    NULL,
    machine            INTEGER NULL,           -- 1 machine, 0 human, NULL not detected
    talk_seconds       REAL    NULL,
    wrap_seconds       REAL    NULL,
    disposition        TEXT    NULL,
    notes              TEXT    NULL,
    survey_json        TEXT    NULL,
    dtmf               TEXT    NULL,
    recording_path     TEXT    NULL
);
CREATE INDEX IF NOT EXISTS ix_call_attempts_campaign ON call_attempts (campaign_id, queued_at);
CREATE INDEX IF NOT EXISTS ix_call_attempts_contact ON call_attempts (contact_id);
CREATE INDEX IF NOT EXISTS ix_call_attempts_agent ON call_attempts (agent_id, queued_at);

CREATE TABLE IF NOT EXISTS outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,             -- contact_offered | call_connected | call_ended | agent_state | campaign_stats
    agent_id     INTEGER NULL,
    campaign_id  INTEGER NULL,
    payload_json TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS reminders (
    id            TEXT    PRIMARY KEY,         -- public id (GUID, no dashes)
    api_key_id    INTEGER NOT NULL,
    campaign_id   INTEGER NOT NULL,
    contact_id    INTEGER NULL,
    account_id    TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    amount_due    TEXT    NOT NULL,            -- decimal as invariant text, exact
    currency      TEXT    NOT NULL,
    due_date      TEXT    NOT NULL,            -- yyyy-MM-dd
    kind          TEXT    NOT NULL,            -- bill | credit_limit | arrears
    language      TEXT    NULL,
    state         TEXT    NOT NULL,            -- queued | rejected | dialing | delivered | failed | cancelled
    reason        TEXT    NULL,
    outcome       TEXT    NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_reminders_key ON reminders (api_key_id, created_at);
CREATE INDEX IF NOT EXISTS ix_reminders_contact ON reminders (contact_id);

CREATE TABLE IF NOT EXISTS idempotency_keys (
    api_key_id     INTEGER NOT NULL,
    idem_key       TEXT    NOT NULL,
    request_hash   TEXT    NOT NULL,
    status_code    INTEGER NOT NULL,
    response_json  TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, idem_key)
);

CREATE TABLE IF NOT EXISTS webhooks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    api_key_id   INTEGER NOT NULL,
    url          TEXT    NOT NULL,
    secret       TEXT    NOT NULL,             -- HMAC signing secret (needed in clear to sign)
    created_at   INTEGER NOT NULL,
    disabled_at  INTEGER NULL
);

CREATE TABLE IF NOT EXISTS campaign_daily_stats (
    campaign_id    INTEGER NOT NULL,
    day            TEXT    NOT NULL,           -- yyyy-MM-dd in the campaign's time zone
    attempts       INTEGER NOT NULL DEFAULT 0,
    live_answered  INTEGER NOT NULL DEFAULT 0,
    connected      INTEGER NOT NULL DEFAULT 0,
    abandoned      INTEGER NOT NULL DEFAULT 0,
    machine        INTEGER NOT NULL DEFAULT 0,
    busy           INTEGER NOT NULL DEFAULT 0,
    no_answer      INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    talk_seconds   REAL    NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, day)
);
