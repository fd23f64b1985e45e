package de.datenhafen.core.plugin;

import java.util.List;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * PF4J's plugin-first class loader, except for the packages the hub shares with its plugins: those come from the
 * hub first, so a plugin that wrongly bundles its own copy of the API, Camel or SLF4J still sees the hub's types
 * (a second copy of {@code HubPlugin} would make the plugin class unusable). A class of those packages that the
 * hub does not have (a Jackson module, a Camel component the hub does not ship) comes from the plugin's own jars.
 */
final class HubPluginClassLoader extends PluginClassLoader {

    static final List<String> SHARED_PREFIXES = List.of(
        "de.datenhafen.api.", "org.apache.camel.", "org.slf4j.", "io.cloudevents.", "com.fasterxml.jackson.",
        "io.vertx.", "io.netty.");

    HubPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent);
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        for (String prefix : SHARED_PREFIXES) {
            if (className.startsWith(prefix)) {
                try {
                    return getParent().loadClass(className);
                } catch (ClassNotFoundException notInHub) {
                    return super.loadClass(className);
                }
            }
        }
        return super.loadClass(className);
    }
}
