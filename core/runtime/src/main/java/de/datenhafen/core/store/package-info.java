/** The hub's database: the connection pool, schema migrations at start, and small stores of hub state. */
package de.datenhafen.core.store;
