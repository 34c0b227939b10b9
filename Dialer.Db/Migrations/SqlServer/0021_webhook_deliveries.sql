-- Billing intake and webhooks (SQL Server): the outbox of webhook deliveries, one row per final reminder
-- outcome per registered webhook, claimed by the sender with a lease and retried with backoff.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.webhook_deliveries') IS NULL
CREATE TABLE dbo.webhook_deliveries (
    id               BIGINT IDENTITY(1,1) PRIMARY KEY,
    webhook_id       BIGINT NOT NULL REFERENCES dbo.webhooks(id),
    reminder_id      NVARCHAR(32)   NOT NULL,
    payload_json     NVARCHAR(MAX)  NOT NULL,
    state            NVARCHAR(20)   NOT NULL,
    attempts         INT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    last_status      INT NULL,
    last_error       NVARCHAR(400)  NULL,
    created_at       BIGINT NOT NULL,
    delivered_at     BIGINT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_webhook_deliveries_due')
CREATE INDEX ix_webhook_deliveries_due ON dbo.webhook_deliveries (state, next_attempt_at);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_webhook_deliveries_reminder')
CREATE INDEX ix_webhook_deliveries_reminder ON dbo.webhook_deliveries (reminder_id);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_webhooks_key')
CREATE INDEX ix_webhooks_key ON dbo.webhooks (api_key_id);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_reminders_campaign')
CREATE INDEX ix_reminders_campaign ON dbo.reminders (campaign_id, state);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = 'ix_reminders_updated')
CREATE INDEX ix_reminders_updated ON dbo.reminders (api_key_id, updated_at, id);
GO
