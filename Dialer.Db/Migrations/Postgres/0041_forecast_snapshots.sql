-- Each day's forecast of a campaign (PostgreSQL, the pair of Sqlite/0041_forecast_snapshots.sql).
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS forecast_snapshots (
    campaign_id    BIGINT            NOT NULL,
    made_on        TEXT              NOT NULL,
    day            TEXT              NOT NULL,
    agents         INTEGER           NOT NULL,
    attempts       DOUBLE PRECISION  NOT NULL,
    live           DOUBLE PRECISION  NOT NULL,
    completions    DOUBLE PRECISION  NOT NULL,
    created_at     BIGINT            NOT NULL,
    PRIMARY KEY (campaign_id, made_on, day)
);
