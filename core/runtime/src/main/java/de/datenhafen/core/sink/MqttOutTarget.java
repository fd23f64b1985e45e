package de.datenhafen.core.sink;

import de.datenhafen.api.PemCertificates;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * One MQTT target's settings, parsed from the {@code mqtt-out:} URI.
 *
 * @param name the target's name (the URI's path), also its MQTT client id's end
 * @param broker {@code tcp://host:port} or {@code ssl://host:port}
 * @param topic the topic template: {@code {type}} and {@code {subject}} stand for the event's, made topic-safe
 * @param qos 0 or 1
 * @param retained whether the broker keeps the last message of each topic for new subscribers
 * @param username the user name at the broker, or null
 * @param password the password, or null
 * @param trust for an {@code ssl://} broker whose certificate a private CA signed: a socket factory trusting exactly
 *     that CA ({@code caCertificate}, PEM); null for the JVM's trust store
 */
record MqttOutTarget(String name, String broker, String topic, int qos, boolean retained, String username,
                     String password, SSLSocketFactory trust) {

    /** The URI parameter of a private authority's certificate, named as the webhook's ({@code caCertificate}). */
    static final String CA_CERTIFICATE = "caCertificate";
    private static final Pattern BROKER = Pattern.compile("(?i)(tcp|ssl)://[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}");

    /** What is wrong with {@code broker} as this sink's broker, or null: {@code tcp://host:port} or {@code ssl://...}. */
    static String brokerProblem(String broker) {
        return broker != null && BROKER.matcher(broker).matches() && host(broker) != null ? null
            : "broker must be tcp://host:port or ssl://host:port, was '" + broker + "'";
    }

    /** As {@link #parse(String, String, String, int, boolean, String, String, String, SinkAddressPolicy)}, public addresses only. */
    static MqttOutTarget parse(String name, String broker, String topic, int qos, boolean retained, String username,
                               String password, String caCertificate) {
        return parse(name, broker, topic, qos, retained, username, password, caCertificate,
            SinkAddressPolicy.publicOnly());
    }

    /**
     * Checks and parses the URI's values.
     *
     * @throws SinkAddressPolicy.Refused when the broker's host is an address {@code policy} does not allow
     */
    static MqttOutTarget parse(String name, String broker, String topic, int qos, boolean retained, String username,
                               String password, String caCertificate, SinkAddressPolicy policy) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("mqtt-out endpoint names no target: mqtt-out:<target-name>?broker=...");
        }
        String brokerProblem = brokerProblem(broker);
        if (brokerProblem != null) {
            throw new IllegalArgumentException(brokerProblem);
        }
        policy.checkConfigured("broker", broker, host(broker), port(broker));
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic is required, for example datenhafen/{type}/{subject}");
        }
        if (topic.contains("+") || topic.contains("#") || topic.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("topic must not hold the wildcards + or # (or NUL): a message is "
                + "published to one topic, was '" + topic + "'");
        }
        if (qos != 0 && qos != 1) {
            throw new IllegalArgumentException("qos must be 0 or 1, was " + qos);
        }
        boolean tls = broker.toLowerCase(Locale.ROOT).startsWith("ssl://");
        SSLSocketFactory trust = null;
        if (caCertificate != null && !caCertificate.isBlank()) {
            if (!tls) {
                throw new IllegalArgumentException(CA_CERTIFICATE + " is set but the broker " + broker
                    + " is not a TLS address: use ssl://host:8883");
            }
            trust = trusting(caCertificate);
        }
        return new MqttOutTarget(name, broker, topic, qos, retained, blankToNull(username), blankToNull(password),
            trust);
    }

    /** The broker's host ({@code [::1]} for IPv6), or null when the URI has none. */
    static String host(String broker) {
        try {
            return java.net.URI.create(broker.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The broker's port. */
    static int port(String broker) {
        return SinkAddressPolicy.port(java.net.URI.create(broker.trim()));
    }

    /** Whether the broker is spoken to over TLS ({@code ssl://}). */
    boolean tls() {
        return broker.toLowerCase(Locale.ROOT).startsWith("ssl://");
    }

    /** The topic of one event: the template with its type and subject, each made topic-safe. */
    String topicOf(String type, String subject) {
        return topic.replace("{type}", safe(type)).replace("{subject}", safe(subject));
    }

    /** A value in a topic: no wildcard and no NUL (each becomes {@code _}); none at all is {@code _}. */
    static String safe(String value) {
        if (value == null || value.isEmpty()) {
            return "_";
        }
        return value.replace('+', '_').replace('#', '_').replace('\0', '_');
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A socket factory that trusts exactly the authorities of {@code caCertificate} ({@link PemCertificates#trusting}). */
    private static SSLSocketFactory trusting(String pem) {
        TrustManagerFactory authorities = PemCertificates.trusting(pem, CA_CERTIFICATE);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, authorities.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS with the " + CA_CERTIFICATE + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "MqttOutTarget[" + name + " " + broker + " topic " + topic + " qos " + qos
            + (retained ? " retained" : "") + (username == null ? "" : " user " + username)
            + (trust == null ? "" : " own CA") + "]";
    }
}
