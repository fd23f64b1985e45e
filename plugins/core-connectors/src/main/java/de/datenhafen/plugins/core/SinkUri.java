package de.datenhafen.plugins.core;

import de.datenhafen.api.BusConsumerEndpoint;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.EndpointValues;
import de.datenhafen.api.IntegrationContext;
import java.util.List;
import java.util.Locale;

/**
 * What the two sink connectors share: which bus events they follow (types, subject prefix, subscription), the
 * certificate of a private authority their target may use, and how a hub sink's endpoint URI is written from config
 * values.
 */
final class SinkUri {

    /** The key of a private authority's certificate, which a sink trusts instead of the JVM's trust store. */
    static final String CA_CERTIFICATE = "ca-certificate";

    private final StringBuilder uri;
    private char separator = '?';

    private SinkUri(String component, String target) {
        uri = new StringBuilder(component).append(':').append(target);
    }

    static SinkUri of(String component, String target) {
        return new SinkUri(component, target);
    }

    /**
     * Adds {@code name=value}; a null value is left out. The value goes as it is ({@link EndpointValues#raw}):
     * URL-encoding is not enough, since Camel's normalizing of an endpoint URI turns {@code %2B} back into a {@code +},
     * which it later reads as a space (a base64 secret or a PEM certificate would break), and decodes a {@code %26}
     * before it splits the options. A certificate goes without the characters no URI carries (only its blocks are
     * read); any other value with one was refused at validate ({@link #uncarriable}), and one stored before that rule
     * fails here naming its key, never its value.
     */
    SinkUri param(String name, Object value) {
        if (value != null) {
            String v = value.toString();
            if (name.equals("caCertificate")) {
                v = EndpointValues.withoutUncarriable(v);
            }
            uri.append(separator).append(name).append('=').append(EndpointValues.raw(name, v));
            separator = '&';
        }
        return this;
    }

    /**
     * The text values of {@code config} a sink's URI could not carry as they are ({@link EndpointValues#problem}),
     * each a problem naming its key; the certificate is exempt, as its blocks are all that is read of it.
     */
    static List<ConfigProblem> uncarriable(Config config) {
        List<ConfigProblem> out = new java.util.ArrayList<>();
        config.values().forEach((key, value) -> {
            String problem = !key.equals(CA_CERTIFICATE) && value instanceof String v ? EndpointValues.problem(v) : null;
            if (problem != null) {
                out.add(ConfigProblem.coded(key, problem, "uncarriable"));
            }
        });
        return out;
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
            .check("types", ConfigCheck.eventTypes())
            .define("subject-prefix", ConfigType.STRING, null, false, "Only events whose subject starts with this")
            .check("subject-prefix", ConfigCheck.length(0, BusConsumerEndpoint.MAX_SUBJECT_PREFIX_CHARS))
            .define("subscription", ConfigType.STRING, null, false,
                "Name of the subscription that keeps the sink's place on the bus; default: " + connector
                    + "-<integration>")
            .check("subscription", SUBSCRIPTION);
    }

    /** A subscription's name as a connector's key takes it (one the bus refuses failed the start). */
    static final ConfigCheck SUBSCRIPTION = ConfigCheck.pattern("[a-z0-9][a-z0-9._-]{0,62}",
        "lower-case letters, digits, dots, dashes and underscores");

    /**
     * The key {@value #CA_CERTIFICATE}: for a target over TLS whose certificate a private authority signed, that
     * authority's certificate in PEM form, checked as certificates when the config is (a private key, no certificate,
     * more than 64 KiB are refused naming the key).
     *
     * @param target what the target is, for the key's description ({@code "an https url"})
     */
    static ConfigDef.Builder caCertificate(ConfigDef.Builder b, String target) {
        return b.define(CA_CERTIFICATE, ConfigType.STRING, null, false, "For " + target + " whose certificate a "
                + "private CA signed: that CA's certificate in PEM form, trusted instead of the JVM's trust store")
            .check(CA_CERTIFICATE, ConfigCheck.pemCertificates());
    }

    /**
     * A {@value #CA_CERTIFICATE} given for a target that is not spoken to over TLS, as a problem naming the key: the
     * sink would refuse it when the routes start, and the admin would otherwise believe the target's certificate is
     * checked against it. Empty when there is none.
     *
     * @param targetKey the key of the target ({@code url}, {@code broker})
     * @param tlsScheme the target's scheme that means TLS ({@code https}, {@code ssl})
     */
    static List<ConfigProblem> caCertificateWithoutTls(Config config, String targetKey, String tlsScheme) {
        if (!config.has(CA_CERTIFICATE) || !config.has(targetKey)
            || config.getString(targetKey).trim().toLowerCase(Locale.ROOT).startsWith(tlsScheme + "://")) {
            return List.of();
        }
        return List.of(ConfigProblem.coded(CA_CERTIFICATE, "is set but " + targetKey + " is not an " + tlsScheme
            + ":// address: a private authority's certificate is used only over TLS", "ca-certificate-without-tls",
            targetKey, tlsScheme));
    }

    /**
     * What a sink's connector finds wrong across its keys: values its URI could not carry ({@link #uncarriable}), then
     * a certificate without TLS ({@link #caCertificateWithoutTls}).
     */
    static List<ConfigProblem> problems(Config config, String targetKey, String tlsScheme) {
        List<ConfigProblem> problems = new java.util.ArrayList<>(uncarriable(config));
        problems.addAll(caCertificateWithoutTls(config, targetKey, tlsScheme));
        return problems;
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
