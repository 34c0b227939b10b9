-- The pair of Sqlite/0029_api_key_campaigns.sql: which campaigns each billing key may use.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.api_key_campaigns') IS NULL
CREATE TABLE dbo.api_key_campaigns (
    api_key_id   BIGINT NOT NULL REFERENCES dbo.api_keys(id),
    campaign_id  BIGINT NOT NULL REFERENCES dbo.campaigns(id),
    created_at   BIGINT NOT NULL,
    CONSTRAINT pk_api_key_campaigns PRIMARY KEY (api_key_id, campaign_id)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_api_key_campaigns_campaign' AND object_id = OBJECT_ID(N'dbo.api_key_campaigns'))
CREATE INDEX ix_api_key_campaigns_campaign ON dbo.api_key_campaigns (campaign_id);
GO
