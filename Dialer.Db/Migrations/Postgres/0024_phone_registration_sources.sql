-- Where each registered agent phone can be reached again (PostgreSQL, the pair of
-- Sqlite/0024_phone_registration_sources.sql): the address and port its REGISTER came from and the transport, so
-- that a restarted Worker can restore UDP bindings instead of waiting for every phone to register again. One row
-- per phone_registrations row that is registered; removed when it unregisters. A table beside phone_registrations
-- rather than new columns, as on SQLite (which has no ADD COLUMN IF NOT EXISTS).
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS phone_registration_sources (
    sip_username    TEXT    PRIMARY KEY,
    transport       TEXT    NOT NULL,      -- UDP | TCP, as in Via
    source_address  TEXT    NOT NULL,      -- the IP the REGISTER came from (after NAT)
    source_port     BIGINT  NOT NULL
);
