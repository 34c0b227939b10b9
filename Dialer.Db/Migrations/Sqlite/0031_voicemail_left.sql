-- Voicemail drop (issue 10): 1 when the campaign's machine message was played to an answering machine after its
-- beep, to the end; 0 otherwise.
ALTER TABLE call_attempts ADD COLUMN voicemail_left INTEGER NOT NULL DEFAULT 0;
