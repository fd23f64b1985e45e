/**
 * The Datenhafen plugin API: the one artifact a member's plugin compiles against.
 *
 * <p>A plugin is a PF4J archive whose {@code Plugin-Class} extends {@link de.datenhafen.api.HubPlugin}. It offers
 * {@link de.datenhafen.api.Connector}s; an admin turns a connector into a running integration by giving it a config
 * that the connector's {@link de.datenhafen.api.ConfigDef} validates. The hub then asks the connector for the Camel
 * routes of that integration and runs them. Routes reach the common data bus through the {@code bus:} endpoint
 * ({@link de.datenhafen.api.IntegrationContext#bus}, {@link de.datenhafen.api.IntegrationContext#busConsumer},
 * {@link de.datenhafen.api.IntegrationContext#busByTypeHeader}); plugin code outside routes publishes through
 * {@link de.datenhafen.api.IntegrationContext#publisher()}.
 *
 * <p>Errors are the hub's job: a route throws the exceptions of this package ({@link de.datenhafen.api.HubException}
 * and its kinds) and the hub answers them with its one JSON error shape and status. Config is checked where it is
 * declared ({@link de.datenhafen.api.ConfigCheck}, {@link de.datenhafen.api.Connector#validate}), never in
 * {@code routes()}. A plugin that imports CSV reads it with {@link de.datenhafen.api.csv.CsvRows} (bounded, lines
 * in refusals) rather than a parser of its own. A plugin shows its data to citizens on the city's page at {@code /} with a
 * {@link de.datenhafen.api.web.PublicSection}, registered by the integration that keeps the data
 * ({@link de.datenhafen.api.IntegrationContext#publicSection}) and written with {@link de.datenhafen.api.web.Html}. The API follows semantic versioning ({@link de.datenhafen.api.HubApi#version()}): additions raise
 * the minor version, and plugins built against an older minor version keep loading.
 */
package de.datenhafen.api;
