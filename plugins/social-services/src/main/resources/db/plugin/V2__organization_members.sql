-- Each organisation belongs to a member of the association (issue 13): that member's editors change its services.
-- NULL: the directory's owning member (social-smart-city), as every organisation stored before this migration.
ALTER TABLE organization ADD COLUMN member_id VARCHAR(64);

-- Organisations' own editing tokens are replaced by the hub's member tokens; their hashes are of no further use.
DROP TABLE organization_token;
