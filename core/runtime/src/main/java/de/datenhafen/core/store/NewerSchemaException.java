package de.datenhafen.core.store;

import java.time.Instant;

/**
 * The hub's database has a schema migration this hub does not have: a newer version of the hub migrated it (another
 * node was upgraded first, or this is a downgrade). The hub refuses to start on it rather than run on tables it does
 * not know; the message says what the schema is, what this hub knows and what to do.
 */
public final class NewerSchemaException extends IllegalStateException {

    private final String schemaVersion;
    private final String knownVersion;

    NewerSchemaException(String url, String schemaVersion, String description, Instant appliedAt, String knownVersion) {
        super("the database at " + url + " has schema version " + schemaVersion + " (\"" + description + "\""
            + (appliedAt == null ? "" : ", applied " + appliedAt) + "), made by a newer version of the hub; this "
            + "version knows schema versions up to " + knownVersion + " and does not run on a schema it does not "
            + "know. Start the newer version instead (every node on one database runs the same version), or, to go "
            + "back to this version, restore the backup taken before the upgrade: migrations only go forward "
            + "(docs/operations.md, \"Upgrades\")");
        this.schemaVersion = schemaVersion;
        this.knownVersion = knownVersion;
    }

    /** The newest schema version the database has. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** The newest schema version this hub's migrations make. */
    public String knownVersion() {
        return knownVersion;
    }
}
