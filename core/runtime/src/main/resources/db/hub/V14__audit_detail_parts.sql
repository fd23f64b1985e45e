-- An audit entry's detail as codes with their values (a JSON array of {code, values}), beside its English words, so
-- that the console says it in its page's language without reading the English. Null for entries written before.
ALTER TABLE audit_entry ADD COLUMN detail_parts VARCHAR(4000);
