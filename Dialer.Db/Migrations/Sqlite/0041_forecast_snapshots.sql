-- Each day's forecast of a campaign (issue 12), kept so that the Forecast tab can set what was forecast on earlier
-- days against what happened. One snapshot a campaign a day (made_on, the campaign's local date), written at the
-- first forecast of that day: the live contacts and attempts it forecast for each of its next 14 days.
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS forecast_snapshots (
    campaign_id    INTEGER NOT NULL,
    made_on        TEXT    NOT NULL,           -- yyyy-MM-dd, the campaign's time zone: the day the forecast was made
    day            TEXT    NOT NULL,           -- yyyy-MM-dd: the day forecast
    agents         INTEGER NOT NULL,           -- the agents the forecast assumed
    attempts       REAL    NOT NULL,
    live           REAL    NOT NULL,
    completions    REAL    NOT NULL,
    created_at     INTEGER NOT NULL,           -- unix ms
    PRIMARY KEY (campaign_id, made_on, day)
);
