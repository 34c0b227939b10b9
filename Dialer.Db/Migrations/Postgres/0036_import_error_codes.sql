-- The pair of Sqlite/0036_import_error_codes.sql (PostgreSQL): a rejected row's stable code and its Chinese reason.
ALTER TABLE import_errors ADD COLUMN IF NOT EXISTS code TEXT NULL;
ALTER TABLE import_errors ADD COLUMN IF NOT EXISTS reason_zh TEXT NULL;
