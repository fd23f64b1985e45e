package de.datenhafen.plugins.core;

import de.datenhafen.api.BusConsumerEndpoint;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.IntegrationContext;

/**
 * What the two sink connectors share: which bus events they follow (types, subject prefix, subscription) and how a
 * hub sink's endpoint URI is written from config values.
 */
final class SinkUri {

    private final StringBuilder uri;
    private char separator = '?';

    private SinkUri(String component, String target) {
        uri = new StringBuilder(component).append(':').append(target);
    }

    static SinkUri of(String component, String target) {
        return new SinkUri(component, target);
    }

    /**
     * Adds {@code name=value}; a null value is left out. The value is given as Camel's {@code RAW(...)} (or
     * {@code RAW{...}} when it holds a {@code )}), which Camel passes on untouched: URL-encoding is not enough, since
     * Camel's normalizing of an endpoint URI turns {@code %2B} back into a {@code +}, which it later reads as a space
     * (a base64 secret or a PEM certificate would break).
     */
    SinkUri param(String name, Object value) {
        if (value != null) {
            String v = value.toString();
            if (v.contains(")") && v.contains("}")) {
                throw new IllegalArgumentException(name + " must not hold both ) and }");
            }
            uri.append(separator).append(name).append('=')
                .append(v.contains(")") ? "RAW{" + v + "}" : "RAW(" + v + ")");
            separator = '&';
        }
        return this;
    }

    /** A config value or null. */
    static Object value(Config config, String key) {
        return config.has(key) ? config.get(key) : null;
    }

    String uri() {
        return uri.toString();
    }

    /** The keys that say which events a sink follows. */
    static ConfigDef.Builder events(ConfigDef.Builder b, String connector) {
        return b.define("types", ConfigType.LIST, null, true, "Event types to send; a type may end in *")
            .define("subject-prefix", ConfigType.STRING, null, false, "Only events whose subject starts with this")
            .define("subscription", ConfigType.STRING, null, false,
                "Name of the subscription that keeps the sink's place on the bus; default: " + connector
                    + "-<integration>")
            .check("subscription", ConfigCheck.pattern("[a-z0-9][a-z0-9._-]{0,62}",
                "lower-case letters, digits, dots, dashes and underscores"));
    }

    /** The bus consumer of the events a sink follows, {@code maxBatch} at a time. */
    static String from(IntegrationContext ctx, String connector, int maxBatch) {
        Config c = ctx.config();
        BusConsumerEndpoint in = ctx.busConsumer(c.getList("types").toArray(String[]::new))
            .subscription(c.has("subscription") ? c.getString("subscription")
                : connector + "-" + ctx.integrationName())
            .maxBatch(maxBatch);
        if (c.has("subject-prefix")) {
            in = in.subjectPrefix(c.getString("subject-prefix"));
        }
        return in.uri();
    }
}
