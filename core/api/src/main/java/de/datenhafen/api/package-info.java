/**
 * The Datenhafen plugin API: the one artifact a member's plugin compiles against.
 *
 * <p>A plugin is a PF4J archive whose {@code Plugin-Class} extends {@link de.datenhafen.api.HubPlugin}. It offers
 * {@link de.datenhafen.api.Connector}s; an admin turns a connector into a running integration by giving it a config
 * that the connector's {@link de.datenhafen.api.ConfigDef} validates. The hub then asks the connector for the Camel
 * routes of that integration and runs them. Routes reach the common data bus through the {@code bus:} endpoint.
 */
package de.datenhafen.api;
