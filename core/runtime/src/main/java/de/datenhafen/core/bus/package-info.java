/**
 * The common data bus: an ordered, durable log of CloudEvents, each with a hub-assigned sequence number and its
 * owning member, plus live fan-out to subscriptions. {@link de.datenhafen.core.bus.EventLog} is the one interface
 * every implementation (H2 now; PostgreSQL or Kafka later) serves.
 */
package de.datenhafen.core.bus;
