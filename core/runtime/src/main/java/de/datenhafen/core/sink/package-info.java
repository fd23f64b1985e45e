/**
 * Sinks: where events leave the hub. Two hub-level Camel components, registered beside {@code bus:}, that connectors
 * and flows address by URI: {@code webhook:<target>} delivers each event to an HTTP(S) URL as a CloudEvent signed as
 * the Standard Webhooks specification says, and {@code mqtt-out:<target>} publishes it to an MQTT broker. Both throw
 * when an event did not arrive, so the subscription in front of them retries, dead-letters and keeps its cursor. The
 * receiving side, {@code webhook-in:<name>}, checks a signed delivery that reached a plugin's HTTP route with the same
 * {@link de.datenhafen.core.sink.StandardWebhooks} code.
 */
package de.datenhafen.core.sink;
