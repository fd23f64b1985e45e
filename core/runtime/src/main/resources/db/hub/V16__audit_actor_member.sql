-- The member of whoever acted, when it is not the member the entry is for: a person's request refused at another
-- member's data was in that member's audit only, and their own member's admins did not see it. Null when the same,
-- for the hub, and for entries written before.
ALTER TABLE audit_entry ADD COLUMN actor_member_id VARCHAR(64);
CREATE INDEX audit_entry_actor_member ON audit_entry (actor_member_id, seq);
