package de.datenhafen.api;

import java.util.List;
import java.util.Objects;
import org.pf4j.Plugin;

/**
 * The class a member's plugin names in {@code Plugin-Class}. It must have a public constructor that takes a
 * {@link PluginContext}.
 *
 * <p>Lifecycle: the hub constructs it when the plugin is loaded, calls {@link #start()} when it is enabled and
 * {@link #stop()} when it is disabled, deleted or the hub shuts down. All three run on the plugin's own worker
 * thread (never on a Vert.x event loop) with the plugin's class loader as context class loader. An exception
 * thrown from {@code start} or {@code stop} marks the plugin failed with its message; the rest of the hub carries
 * on. {@link #connectors()} is read after a successful {@code start}.
 */
public abstract class HubPlugin extends Plugin {

    private final PluginContext context;

    protected HubPlugin(PluginContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** The context the hub gave this plugin. */
    protected final PluginContext context() {
        return context;
    }

    /** The connectors this plugin offers; names must be unique within the hub. Empty by default. */
    public List<Connector> connectors() {
        return List.of();
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }
}
