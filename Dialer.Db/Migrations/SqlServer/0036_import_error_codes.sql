-- The pair of Sqlite/0036_import_error_codes.sql: a rejected row's stable code and its Chinese reason.
IF COL_LENGTH(N'dbo.import_errors', N'code') IS NULL
ALTER TABLE dbo.import_errors ADD code NVARCHAR(40) NULL;
GO
IF COL_LENGTH(N'dbo.import_errors', N'reason_zh') IS NULL
ALTER TABLE dbo.import_errors ADD reason_zh NVARCHAR(400) NULL;
GO
