-- The pair of Sqlite/0005_phone_registrations.sql (PostgreSQL). Agents' phones as the Worker's SIP registrar sees
-- them, so that the Api (another process) can refuse "ready" to an agent whose phone is not registered, and the
-- pages can show it.
CREATE TABLE IF NOT EXISTS phone_registrations (
    sip_username  TEXT    PRIMARY KEY,
    agent_id      BIGINT  NULL,
    registered    BIGINT  NOT NULL,          -- 1 registered, 0 unregistered
    contact       TEXT    NULL,              -- the Contact URI the phone registered
    expires_at    BIGINT  NOT NULL,          -- the binding's expiry (epoch ms); 0 when unregistered
    updated_at    BIGINT  NOT NULL
);
