package de.datenhafen.api;

/**
 * What the hub tells a connector about one integration when it asks for its routes.
 */
public interface IntegrationContext {

    /** The admin's name for this integration, unique within the hub. */
    String integrationName();

    /** The validated config, with defaults applied. Secret values are readable here and nowhere else. */
    Config config();

    /** The owning plugin's context. */
    PluginContext plugin();

    /**
     * A route id owned by the hub for a route of this integration: {@code <integration>.<localName>}.
     * {@code localName} must be letters, digits, dashes or dots.
     */
    String routeId(String localName);

    /** The Camel endpoint URI that puts events of this type on the bus, owned by this plugin's member. */
    default String bus(String eventType) {
        return "bus:" + eventType;
    }

    /**
     * The Camel endpoint URI of an HTTP path served by the hub for this plugin: {@code subPath} below
     * {@code /api/v1/plugins/<pluginId>/}.
     */
    String httpEndpoint(String subPath);
}
