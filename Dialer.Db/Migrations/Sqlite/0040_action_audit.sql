-- Who did what to whom, and when (issue 14): the supervisors' and administrators' actions on agents, users, keys,
-- campaigns, lists and contacts — force pause or logout, listen/whisper/barge, recycle (and reset) of contacts, a list
-- switched on or off, a campaign started, paused or stopped, a user disabled or enabled, an API key revoked. Written by
-- the Api with the action (pages and API alike); read by managers and admins through GET /api/audit/actions and /audit.
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS action_audit (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             INTEGER NOT NULL,        -- unix ms
    actor_user_id  INTEGER NULL,            -- the signed-in user who acted
    actor_key_id   INTEGER NULL,            -- or the API key it acted with
    actor_name     TEXT    NOT NULL,        -- the user name or the key's name, as it was then
    action         TEXT    NOT NULL,        -- force_pause | force_logout | monitor_start | monitor_mode | monitor_leave | contacts_recycle |
                                            -- list_on | list_off | campaign_start | campaign_pause | campaign_stop | user_disable |
                                            -- user_enable | key_revoke
    target_kind    TEXT    NOT NULL,        -- user | campaign | list | key | monitor
    target_id      INTEGER NULL,
    target_name    TEXT    NULL,            -- the target's name as it was then
    campaign_id    INTEGER NULL,            -- the campaign concerned, when there is one
    detail_json    TEXT    NULL             -- what else the action said: {"when":"after_call"}, {"mode":"whisper"}, {"outcomes":[…],"reset":true,"count":12}
);

CREATE INDEX IF NOT EXISTS ix_action_audit_action ON action_audit (action, id);
CREATE INDEX IF NOT EXISTS ix_action_audit_at ON action_audit (at);
