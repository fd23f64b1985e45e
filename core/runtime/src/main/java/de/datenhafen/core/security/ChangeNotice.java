package de.datenhafen.core.security;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Writes a change notice for the other nodes on the database ({@code hub_change}, see
 * {@link de.datenhafen.core.node.Changes}) in the caller's transaction: the change and its notice commit together, so
 * no node misses a change that was made (a notice written after the commit could fail or be lost with the process,
 * and the other nodes then kept a revoked token or a suspended member for good).
 */
@FunctionalInterface
public interface ChangeNotice {

    /** For a hub without other nodes to tell (before the notices are shared, and in tests). */
    ChangeNotice NONE = (c, name) -> { };

    void write(Connection c, String name) throws SQLException;
}
