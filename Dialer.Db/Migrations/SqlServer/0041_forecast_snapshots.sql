-- The pair of Sqlite/0041_forecast_snapshots.sql: each day's forecast of a campaign.
-- Re-runnable: every statement checks for existence first.

IF OBJECT_ID(N'dbo.forecast_snapshots') IS NULL
CREATE TABLE dbo.forecast_snapshots (
    campaign_id    BIGINT        NOT NULL,
    made_on        NVARCHAR(10)  NOT NULL,
    day            NVARCHAR(10)  NOT NULL,
    agents         INT           NOT NULL,
    attempts       FLOAT         NOT NULL,
    live           FLOAT         NOT NULL,
    completions    FLOAT         NOT NULL,
    created_at     BIGINT        NOT NULL,
    CONSTRAINT pk_forecast_snapshots PRIMARY KEY (campaign_id, made_on, day)
);
GO
