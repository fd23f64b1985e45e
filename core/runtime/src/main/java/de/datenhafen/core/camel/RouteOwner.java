package de.datenhafen.core.camel;

/**
 * Who owns a set of routes: an integration, its plugin's member and the plugin's class loader.
 *
 * @param integration the integration's name, the prefix of its route ids
 * @param pluginId the plugin that contributed the routes
 * @param member the plugin's member: owner of the events its routes put on the bus
 * @param classLoader the plugin's class loader
 */
public record RouteOwner(String integration, String pluginId, String member, ClassLoader classLoader) {

    /** The integration part of a hub-owned route id ({@code <integration>.<local>}), or null. */
    public static String integrationOf(String routeId) {
        if (routeId == null) {
            return null;
        }
        int dot = routeId.indexOf('.');
        return dot <= 0 ? null : routeId.substring(0, dot);
    }
}
