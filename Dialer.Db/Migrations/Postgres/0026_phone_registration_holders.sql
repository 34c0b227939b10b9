-- Which Worker holds each registered agent phone (PostgreSQL, the pair of Sqlite/0026_phone_registration_holders.sql).
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS phone_registration_holders (
    sip_username  TEXT    PRIMARY KEY,
    worker_id     TEXT    NOT NULL,
    updated_at    BIGINT  NOT NULL
);
