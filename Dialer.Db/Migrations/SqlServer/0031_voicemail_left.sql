-- The pair of Sqlite/0031_voicemail_left.sql: the machine message was left.
IF COL_LENGTH(N'dbo.call_attempts', N'voicemail_left') IS NULL
ALTER TABLE dbo.call_attempts ADD voicemail_left INT NOT NULL CONSTRAINT df_call_attempts_voicemail_left DEFAULT 0;
GO
