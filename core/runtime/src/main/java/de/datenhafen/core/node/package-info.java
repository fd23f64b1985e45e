/**
 * Several hub nodes on one database: each node's identity and heartbeat ({@link de.datenhafen.core.node.Nodes}),
 * leases with fencing tokens for work that runs on one node at a time ({@link de.datenhafen.core.node.Leases}), and
 * change notices that carry an admin's change from one node to the others ({@link de.datenhafen.core.node.Changes}).
 * On H2 the one node runs the same code and holds every lease itself.
 */
package de.datenhafen.core.node;
