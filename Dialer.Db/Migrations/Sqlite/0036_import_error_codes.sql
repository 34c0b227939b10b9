-- Chinese pages (issue 14): each rejected row of an import keeps a stable code (invalid_phone, dnc_global, …) beside
-- its English reason, and the same reason in Simplified Chinese for the pages. Rows written before have neither
-- (NULL): the pages show their English reason.
ALTER TABLE import_errors ADD COLUMN code TEXT NULL;
ALTER TABLE import_errors ADD COLUMN reason_zh TEXT NULL;
