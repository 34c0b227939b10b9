-- Which Api instance runs each import (SQLite). With several Api instances on one database, an import runs in one
-- instance only: the one holding its claim, renewed every few seconds while it runs. A claim not renewed for 30 s
-- belonged to an instance that died: another instance takes it over and runs the import again from its upload.
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS import_claims (
    import_id     INTEGER PRIMARY KEY,
    instance_id   TEXT    NOT NULL,     -- Api:InstanceId of the holder (default the host name)
    heartbeat_at  INTEGER NOT NULL      -- unix ms
);
