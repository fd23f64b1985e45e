package de.datenhafen.core.camel;

import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import org.apache.camel.impl.engine.DefaultClassResolver;
import org.pf4j.PluginClassLoader;

/**
 * Camel's class resolver, but when the current thread runs plugin code (its context class loader is a plugin's),
 * classes and resources are looked up in the plugin first. So a component or data format that a plugin bundles
 * is found while the plugin's routes are built.
 */
final class PluginAwareClassResolver extends DefaultClassResolver {

    private static ClassLoader pluginLoader() {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return tccl instanceof PluginClassLoader ? tccl : null;
    }

    @Override
    public Class<?> resolveClass(String name) {
        ClassLoader plugin = pluginLoader();
        if (plugin != null) {
            Class<?> c = super.resolveClass(name, plugin);
            if (c != null) {
                return c;
            }
        }
        return super.resolveClass(name);
    }

    @Override
    public InputStream loadResourceAsStream(String uri) {
        ClassLoader plugin = pluginLoader();
        if (plugin != null) {
            InputStream in = plugin.getResourceAsStream(stripLeadingSlash(uri));
            if (in != null) {
                return in;
            }
        }
        return super.loadResourceAsStream(uri);
    }

    @Override
    public URL loadResourceAsURL(String uri) {
        ClassLoader plugin = pluginLoader();
        if (plugin != null) {
            URL url = plugin.getResource(stripLeadingSlash(uri));
            if (url != null) {
                return url;
            }
        }
        return super.loadResourceAsURL(uri);
    }

    @Override
    public Enumeration<URL> loadResourcesAsURL(String uri) {
        ClassLoader plugin = pluginLoader();
        if (plugin != null) {
            try {
                Enumeration<URL> urls = plugin.getResources(stripLeadingSlash(uri));
                if (urls.hasMoreElements()) {
                    return urls;
                }
            } catch (java.io.IOException e) {
                // fall back to the hub's
            }
        }
        return super.loadResourcesAsURL(uri);
    }

    private static String stripLeadingSlash(String uri) {
        return uri.startsWith("/") ? uri.substring(1) : uri;
    }
}
