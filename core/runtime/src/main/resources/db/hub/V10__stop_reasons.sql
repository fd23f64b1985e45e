-- Why an integration or a flow stopped itself (a webhook target's 410 Gone), kept with the state it left (desired:
-- paused or disabled) so the reason still shows after a restart; null once an admin resumes or enables it.
-- Plain SQL that H2 and PostgreSQL both accept.
ALTER TABLE integration ADD COLUMN stop_reason VARCHAR(2000);
ALTER TABLE integration ADD COLUMN stopped_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE flow ADD COLUMN stop_reason VARCHAR(2000);
ALTER TABLE flow ADD COLUMN stopped_at TIMESTAMP WITH TIME ZONE;
