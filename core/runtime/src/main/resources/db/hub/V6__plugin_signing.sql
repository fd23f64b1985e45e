-- Signed plugins (issue 14): members' public keys, and the allow-list of unsigned archives hub-admins admitted.
-- Plain SQL that H2 and PostgreSQL both accept.

-- A member's Ed25519 public keys, by key id (the first 32 hex digits of the SHA-256 of the key's SubjectPublicKeyInfo).
-- A revoked key is kept (revoked_at set), so a plugin it signed is refused as "revoked", not as "unknown".
CREATE TABLE member_key (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    member_id   VARCHAR(64)  NOT NULL REFERENCES member (id),
    algorithm   VARCHAR(32)  NOT NULL,
    public_key  VARCHAR(200) NOT NULL,
    name        VARCHAR(100),
    created_by  VARCHAR(140),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE,
    revoked_by  VARCHAR(140)
);
CREATE INDEX member_key_member ON member_key (member_id);

-- Unsigned archives a hub-admin admitted by SHA-256 (third-party code the association reviewed). Apart from
-- plugin.admitted (configuration), which admits process-ending calls such as System.exit: one does not imply the other.
CREATE TABLE plugin_allowlist (
    sha256    VARCHAR(64)  NOT NULL PRIMARY KEY,
    note      VARCHAR(500),
    added_by  VARCHAR(140),
    added_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
