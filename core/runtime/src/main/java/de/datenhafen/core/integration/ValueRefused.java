package de.datenhafen.core.integration;

import de.datenhafen.api.InvalidInputException;

/**
 * A value of an integration's config the hub refused as its routes were made (a public path under the hub's own, a
 * plugin path or an event type that no endpoint URI may carry as it is): the start fails without retries, and a create
 * or an update that names it is answered 400 naming the config key that holds it, keeping nothing (as a refused sink
 * target is).
 */
final class ValueRefused extends InvalidInputException {

    private final String value;

    ValueRefused(String value, String message) {
        super(message, null);
        this.value = value;
    }

    /** The refused value as the connector gave it. */
    String value() {
        return value;
    }
}
