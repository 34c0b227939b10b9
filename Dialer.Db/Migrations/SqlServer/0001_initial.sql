-- The product schema (SQL Server), the pair of Sqlite/0001_initial.sql. Times are BIGINT
-- milliseconds since the Unix epoch (UTC). Re-runnable: every object is checked first.
-- Batches are separated by lines holding only GO.

IF OBJECT_ID(N'dbo.api_keys') IS NULL
CREATE TABLE dbo.api_keys (
    id           BIGINT IDENTITY(1,1) PRIMARY KEY,
    name         NVARCHAR(200) NOT NULL,
    role         NVARCHAR(20)  NOT NULL,
    key_prefix   NVARCHAR(20)  NOT NULL,
    key_hash     NVARCHAR(64)  NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT NULL,
    last_used_at BIGINT NULL
);
GO
IF OBJECT_ID(N'dbo.users') IS NULL
CREATE TABLE dbo.users (
    id              BIGINT IDENTITY(1,1) PRIMARY KEY,
    username        NVARCHAR(100) NOT NULL UNIQUE,
    display_name    NVARCHAR(200) NOT NULL,
    role            NVARCHAR(20)  NOT NULL,
    password_hash   NVARCHAR(200) NOT NULL,
    sip_username    NVARCHAR(100) NULL,
    sip_ha1_md5     NVARCHAR(64)  NULL,
    sip_ha1_sha256  NVARCHAR(64)  NULL,
    language        NVARCHAR(10)  NOT NULL DEFAULT 'en',
    disabled_at     BIGINT NULL,
    created_at      BIGINT NOT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ux_users_sip_username')
CREATE UNIQUE INDEX ux_users_sip_username ON dbo.users (sip_username) WHERE sip_username IS NOT NULL;
GO
IF OBJECT_ID(N'dbo.user_sessions') IS NULL
CREATE TABLE dbo.user_sessions (
    token_hash  NVARCHAR(64) PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES dbo.users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
GO
IF OBJECT_ID(N'dbo.campaigns') IS NULL
CREATE TABLE dbo.campaigns (
    id           BIGINT IDENTITY(1,1) PRIMARY KEY,
    name         NVARCHAR(200) NOT NULL,
    type         NVARCHAR(30)  NOT NULL,
    mode         NVARCHAR(20)  NOT NULL,
    status       NVARCHAR(20)  NOT NULL,
    config_json  NVARCHAR(MAX) NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    status_changed_at BIGINT NOT NULL,
    version      INT NOT NULL DEFAULT 1
);
GO
IF OBJECT_ID(N'dbo.call_lists') IS NULL
CREATE TABLE dbo.call_lists (
    id           BIGINT IDENTITY(1,1) PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES dbo.campaigns(id),
    name         NVARCHAR(400) NOT NULL,
    source       NVARCHAR(20)  NOT NULL,
    created_at   BIGINT NOT NULL
);
GO
IF OBJECT_ID(N'dbo.contacts') IS NULL
CREATE TABLE dbo.contacts (
    id               BIGINT IDENTITY(1,1) PRIMARY KEY,
    campaign_id      BIGINT NOT NULL REFERENCES dbo.campaigns(id),
    list_id          BIGINT NULL REFERENCES dbo.call_lists(id),
    phone            NVARCHAR(20)  NOT NULL,
    alt_phones       NVARCHAR(400) NULL,
    name             NVARCHAR(200) NULL,
    time_zone        NVARCHAR(64)  NOT NULL,
    account_id       NVARCHAR(100) NULL,
    custom_json      NVARCHAR(MAX) NULL,
    state            NVARCHAR(20)  NOT NULL,
    attempts         INT NOT NULL DEFAULT 0,
    next_eligible_at BIGINT NOT NULL DEFAULT 0,
    eligible_reason  NVARCHAR(200) NULL,
    priority         INT NOT NULL DEFAULT 0,
    last_attempt_at  BIGINT NULL,
    last_outcome     NVARCHAR(20) NULL,
    abandoned_at     BIGINT NULL,
    callback_at      BIGINT NULL,
    callback_agent_id BIGINT NULL,
    callback_open_at BIGINT NULL,
    locked_by        NVARCHAR(100) NULL,
    locked_at        BIGINT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CONSTRAINT ux_contacts_phone UNIQUE (campaign_id, phone)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_contacts_due')
CREATE INDEX ix_contacts_due ON dbo.contacts (campaign_id, state, next_eligible_at, priority);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_contacts_account')
CREATE INDEX ix_contacts_account ON dbo.contacts (campaign_id, account_id);
GO
IF OBJECT_ID(N'dbo.dnc_entries') IS NULL
CREATE TABLE dbo.dnc_entries (
    id           BIGINT IDENTITY(1,1) PRIMARY KEY,
    phone        NVARCHAR(20)  NOT NULL,
    campaign_id  BIGINT NOT NULL DEFAULT 0,
    source       NVARCHAR(200) NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NULL,
    CONSTRAINT ux_dnc UNIQUE (phone, campaign_id)
);
GO
IF OBJECT_ID(N'dbo.imports') IS NULL
CREATE TABLE dbo.imports (
    id            BIGINT IDENTITY(1,1) PRIMARY KEY,
    kind          NVARCHAR(20)  NOT NULL,
    campaign_id   BIGINT NULL,
    list_id       BIGINT NULL,
    file_name     NVARCHAR(400) NULL,
    status        NVARCHAR(20)  NOT NULL,
    total         INT NOT NULL DEFAULT 0,
    imported      INT NOT NULL DEFAULT 0,
    duplicates    INT NOT NULL DEFAULT 0,
    invalid       INT NOT NULL DEFAULT 0,
    dnc           INT NOT NULL DEFAULT 0,
    error         NVARCHAR(MAX) NULL,
    created_by    NVARCHAR(200) NULL,
    created_at    BIGINT NOT NULL,
    completed_at  BIGINT NULL
);
GO
IF OBJECT_ID(N'dbo.import_errors') IS NULL
CREATE TABLE dbo.import_errors (
    import_id  BIGINT NOT NULL REFERENCES dbo.imports(id),
    row_number INT NOT NULL,
    kind       NVARCHAR(20)  NOT NULL,
    reason     NVARCHAR(400) NOT NULL,
    raw        NVARCHAR(MAX) NULL,
    PRIMARY KEY (import_id, row_number)
);
GO
IF OBJECT_ID(N'dbo.agent_campaigns') IS NULL
CREATE TABLE dbo.agent_campaigns (
    agent_id     BIGINT NOT NULL REFERENCES dbo.users(id),
    campaign_id  BIGINT NOT NULL REFERENCES dbo.campaigns(id),
    PRIMARY KEY (agent_id, campaign_id)
);
GO
IF OBJECT_ID(N'dbo.agent_states') IS NULL
CREATE TABLE dbo.agent_states (
    agent_id        BIGINT PRIMARY KEY REFERENCES dbo.users(id),
    state           NVARCHAR(20) NOT NULL,
    reason          NVARCHAR(100) NULL,
    campaigns_json  NVARCHAR(MAX) NOT NULL DEFAULT '[]',
    since           BIGINT NOT NULL,
    attempt_id      BIGINT NULL,
    contact_id      BIGINT NULL,
    wrap_until      BIGINT NULL,
    version         INT NOT NULL DEFAULT 1
);
GO
IF OBJECT_ID(N'dbo.agent_state_log') IS NULL
CREATE TABLE dbo.agent_state_log (
    id        BIGINT IDENTITY(1,1) PRIMARY KEY,
    agent_id  BIGINT NOT NULL,
    state     NVARCHAR(20) NOT NULL,
    reason    NVARCHAR(100) NULL,
    at        BIGINT NOT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_agent_state_log')
CREATE INDEX ix_agent_state_log ON dbo.agent_state_log (agent_id, at);
GO
IF OBJECT_ID(N'dbo.call_attempts') IS NULL
CREATE TABLE dbo.call_attempts (
    id                 BIGINT IDENTITY(1,1) PRIMARY KEY,
    campaign_id        BIGINT NOT NULL,
    contact_id         BIGINT NOT NULL,
    phone              NVARCHAR(20) NOT NULL,
    agent_id           BIGINT NULL,
    worker_id          NVARCHAR(100) NULL,
    carrier            NVARCHAR(20) NULL,
    call_id            NVARCHAR(200) NULL,
    queued_at          BIGINT NOT NULL,
    dialed_at          BIGINT NULL,
    ringing_at         BIGINT NULL,
    answered_at        BIGINT NULL,
    agent_connected_at BIGINT NULL,
    ended_at           BIGINT NULL,
    outcome            NVARCHAR(20) NULL,
    sip_code           INT NULL,
    sip_reason         NVARCHAR(200) NULL,
    machine            INT NULL,
    talk_seconds       FLOAT NULL,
    wrap_seconds       FLOAT NULL,
    disposition        NVARCHAR(100) NULL,
    notes              NVARCHAR(MAX) NULL,
    survey_json        NVARCHAR(MAX) NULL,
    dtmf               NVARCHAR(100) NULL,
    recording_path     NVARCHAR(400) NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_call_attempts_campaign')
CREATE INDEX ix_call_attempts_campaign ON dbo.call_attempts (campaign_id, queued_at);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_call_attempts_contact')
CREATE INDEX ix_call_attempts_contact ON dbo.call_attempts (contact_id);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_call_attempts_agent')
CREATE INDEX ix_call_attempts_agent ON dbo.call_attempts (agent_id, queued_at);
GO
IF OBJECT_ID(N'dbo.outbox') IS NULL
CREATE TABLE dbo.outbox (
    id           BIGINT IDENTITY(1,1) PRIMARY KEY,
    kind         NVARCHAR(40) NOT NULL,
    agent_id     BIGINT NULL,
    campaign_id  BIGINT NULL,
    payload_json NVARCHAR(MAX) NOT NULL,
    created_at   BIGINT NOT NULL
);
GO
IF OBJECT_ID(N'dbo.reminders') IS NULL
CREATE TABLE dbo.reminders (
    id            NVARCHAR(32) PRIMARY KEY,
    api_key_id    BIGINT NOT NULL,
    campaign_id   BIGINT NOT NULL,
    contact_id    BIGINT NULL,
    account_id    NVARCHAR(100) NOT NULL,
    phone         NVARCHAR(40)  NOT NULL,
    amount_due    NVARCHAR(40)  NOT NULL,
    currency      NVARCHAR(3)   NOT NULL,
    due_date      NVARCHAR(10)  NOT NULL,
    kind          NVARCHAR(20)  NOT NULL,
    language      NVARCHAR(10)  NULL,
    state         NVARCHAR(20)  NOT NULL,
    reason        NVARCHAR(400) NULL,
    outcome       NVARCHAR(20)  NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_reminders_key')
CREATE INDEX ix_reminders_key ON dbo.reminders (api_key_id, created_at);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_reminders_contact')
CREATE INDEX ix_reminders_contact ON dbo.reminders (contact_id);
GO
IF OBJECT_ID(N'dbo.idempotency_keys') IS NULL
CREATE TABLE dbo.idempotency_keys (
    api_key_id     BIGINT NOT NULL,
    idem_key       NVARCHAR(200) NOT NULL,
    request_hash   NVARCHAR(64)  NOT NULL,
    status_code    INT NOT NULL,
    response_json  NVARCHAR(MAX) NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (api_key_id, idem_key)
);
GO
IF OBJECT_ID(N'dbo.webhooks') IS NULL
CREATE TABLE dbo.webhooks (
    id           BIGINT IDENTITY(1,1) PRIMARY KEY,
    api_key_id   BIGINT NOT NULL,
    url          NVARCHAR(1000) NOT NULL,
    secret       NVARCHAR(200)  NOT NULL,
    created_at   BIGINT NOT NULL,
    disabled_at  BIGINT NULL
);
GO
IF OBJECT_ID(N'dbo.campaign_daily_stats') IS NULL
CREATE TABLE dbo.campaign_daily_stats (
    campaign_id    BIGINT NOT NULL,
    day            NVARCHAR(10) NOT NULL,
    attempts       INT NOT NULL DEFAULT 0,
    live_answered  INT NOT NULL DEFAULT 0,
    connected      INT NOT NULL DEFAULT 0,
    abandoned      INT NOT NULL DEFAULT 0,
    machine        INT NOT NULL DEFAULT 0,
    busy           INT NOT NULL DEFAULT 0,
    no_answer      INT NOT NULL DEFAULT 0,
    failed         INT NOT NULL DEFAULT 0,
    talk_seconds   FLOAT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, day)
);
