-- A list (call_lists: an import, the billing reminders, …) can be switched off by a manager (issue 14): its contacts
-- stay in the campaign but are not claimed for dialing until it is switched on again. NULL: on.
-- Runs in one transaction with its schema_version row, so a crash leaves either all of it or nothing.
ALTER TABLE call_lists ADD COLUMN disabled_at INTEGER NULL;
