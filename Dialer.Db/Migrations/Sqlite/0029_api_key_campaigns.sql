-- Which campaigns each billing key may use (issue 13). A billing key submits reminders only into campaigns an admin
-- granted it (POST /api/keys with campaignIds, PUT /api/keys/{id}/campaigns); any other campaign id is answered
-- 404 exactly like one that does not exist. Keys made before this migration have no grants, so they may use no
-- campaign until an admin grants them some. Reminders already store their owning key (reminders.api_key_id).
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS api_key_campaigns (
    api_key_id   INTEGER NOT NULL REFERENCES api_keys(id),
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    created_at   INTEGER NOT NULL,      -- unix ms
    PRIMARY KEY (api_key_id, campaign_id)
);

CREATE INDEX IF NOT EXISTS ix_api_key_campaigns_campaign ON api_key_campaigns (campaign_id);
