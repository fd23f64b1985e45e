package de.datenhafen.core.plugin;

import de.datenhafen.api.HubException;

/** Plugin code threw or overran its time; the message says which plugin, what call, and why. */
public final class PluginCallException extends HubException {

    public PluginCallException(String message, Throwable cause) {
        super(message, null, cause);
    }
}
