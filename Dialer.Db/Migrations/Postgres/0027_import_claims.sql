-- Which Api instance runs each import (PostgreSQL, the pair of Sqlite/0027_import_claims.sql).
-- Re-runnable: every statement checks for existence first.

CREATE TABLE IF NOT EXISTS import_claims (
    import_id     BIGINT  PRIMARY KEY,
    instance_id   TEXT    NOT NULL,
    heartbeat_at  BIGINT  NOT NULL
);
