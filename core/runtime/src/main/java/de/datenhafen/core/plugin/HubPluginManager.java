package de.datenhafen.core.plugin;

import de.datenhafen.api.HubApi;
import de.datenhafen.api.HubPlugin;
import de.datenhafen.api.PluginContext;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import org.pf4j.BasePluginLoader;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.CompoundPluginRepository;
import org.pf4j.DefaultPluginClasspath;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.Plugin;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginStatusProvider;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * PF4J's manager as the hub needs it: plugins are built with a {@link PluginContext}, every plugin counts as
 * enabled to PF4J (the hub keeps enabled/disabled in its database and decides what to start), class loaders
 * share the hub's API packages, and PF4J never unpacks or finds archives by itself: the hub hands it folders it
 * unpacked under its own checks (see {@link ArchiveInspector#unpack}) and jars it inspected.
 */
final class HubPluginManager extends DefaultPluginManager {

    private final Function<PluginWrapper, PluginContext> contexts;

    HubPluginManager(Path pluginsDir, Function<PluginWrapper, PluginContext> contexts) {
        super(pluginsDir);
        this.contexts = contexts;
        setSystemVersion(HubApi.version());
        setExactVersionAllowed(true);
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }

    /**
     * No repository: PF4J's would list every file in the plugins folder and unpack zips by their local headers with
     * a string-prefix check, which is how a smuggled entry once landed beside the plugins.
     */
    @Override
    protected PluginRepository createPluginRepository() {
        return new CompoundPluginRepository();
    }

    /** PF4J would unpack a {@code .zip} handed to it; the hub unpacks zips itself and hands over the folder. */
    @Override
    protected PluginWrapper loadPluginFromPath(Path pluginPath) {
        if (Files.isRegularFile(pluginPath) && pluginPath.getFileName().toString().toLowerCase(Locale.ROOT)
            .endsWith(".zip")) {
            throw new PluginRuntimeException("the hub unpacks plugin zips itself; {} must be unpacked first",
                pluginPath.getFileName());
        }
        return super.loadPluginFromPath(pluginPath);
    }

    @Override
    protected PluginFactory createPluginFactory() {
        return this::createPlugin;
    }

    private Plugin createPlugin(PluginWrapper wrapper) {
        String className = wrapper.getDescriptor().getPluginClass();
        Class<?> type;
        try {
            type = wrapper.getPluginClassLoader().loadClass(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new PluginRuntimeException(e, "plugin class {} cannot be loaded: {}", className, e.toString());
        }
        if (!HubPlugin.class.isAssignableFrom(type)) {
            throw new PluginRuntimeException("plugin class {} does not extend {}", className,
                HubPlugin.class.getName());
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor(PluginContext.class);
        } catch (NoSuchMethodException e) {
            throw new PluginRuntimeException("plugin class {} has no public constructor taking a PluginContext",
                className);
        }
        try {
            return (Plugin) constructor.newInstance(contexts.apply(wrapper));
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new PluginRuntimeException(cause, "plugin class {} failed in its constructor: {}", className,
                cause.toString());
        }
    }

    @Override
    protected PluginStatusProvider createPluginStatusProvider() {
        return new PluginStatusProvider() {
            @Override
            public boolean isPluginDisabled(String pluginId) {
                return false;
            }

            @Override
            public void disablePlugin(String pluginId) {
                // the hub keeps this state in its database
            }

            @Override
            public void enablePlugin(String pluginId) {
                // the hub keeps this state in its database
            }
        };
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader()
            .add(new JarPluginLoader(this) {
                @Override
                public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
                    PluginClassLoader loader = new HubPluginClassLoader(pluginManager, descriptor,
                        HubPluginManager.class.getClassLoader());
                    loader.addFile(pluginPath.toFile());
                    return loader;
                }
            })
            .add(new BasePluginLoader(this, new DefaultPluginClasspath()) {
                @Override
                protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                    return new HubPluginClassLoader(pluginManager, descriptor,
                        HubPluginManager.class.getClassLoader());
                }
            });
    }
}
