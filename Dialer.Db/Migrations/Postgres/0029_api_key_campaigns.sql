-- Which campaigns each billing key may use (PostgreSQL, the pair of Sqlite/0029_api_key_campaigns.sql).
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS api_key_campaigns (
    api_key_id   BIGINT NOT NULL REFERENCES api_keys(id),
    campaign_id  BIGINT NOT NULL REFERENCES campaigns(id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (api_key_id, campaign_id)
);

CREATE INDEX IF NOT EXISTS ix_api_key_campaigns_campaign ON api_key_campaigns (campaign_id);
