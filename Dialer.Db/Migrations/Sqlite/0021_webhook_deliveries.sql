-- Billing intake and webhooks (SQLite): the outbox of webhook deliveries, one row per final reminder
-- outcome per registered webhook, claimed by the sender with a lease and retried with backoff.
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id       INTEGER NOT NULL REFERENCES webhooks(id),
    reminder_id      TEXT    NOT NULL,
    payload_json     TEXT    NOT NULL,     -- the exact body that is signed and sent
    state            TEXT    NOT NULL,     -- pending | delivered | failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,     -- due time; while a sender holds it, the end of its lease
    last_status      INTEGER NULL,         -- HTTP status of the last try (NULL: no answer)
    last_error       TEXT    NULL,
    created_at       INTEGER NOT NULL,
    delivered_at     INTEGER NULL
);
CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_reminder ON webhook_deliveries (reminder_id);
CREATE INDEX IF NOT EXISTS ix_webhooks_key ON webhooks (api_key_id);
CREATE INDEX IF NOT EXISTS ix_reminders_campaign ON reminders (campaign_id, state);
CREATE INDEX IF NOT EXISTS ix_reminders_updated ON reminders (api_key_id, updated_at, id);
