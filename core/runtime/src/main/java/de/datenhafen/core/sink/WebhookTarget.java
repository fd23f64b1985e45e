package de.datenhafen.core.sink;

import de.datenhafen.api.PemCertificates;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.TrustManagerFactory;

/**
 * One webhook target's settings, parsed from the {@code webhook:} URI.
 *
 * @param name the target's name (the URI's path)
 * @param url where events are POSTed, http or https
 * @param keys the signing keys: the current secret's, then the previous one's during a rotation
 * @param binary CloudEvents HTTP binary mode (attributes in {@code ce-} headers); otherwise structured mode
 * @param timeout how long one attempt may take until the answer's headers
 * @param concurrency how many subjects are delivered at once (events of one subject never at once)
 * @param ratePerSecond most requests a second, 0 for no limit
 * @param handshake whether the CloudEvents webhook validation ({@code OPTIONS}) comes before the first delivery
 * @param trust for an https receiver whose certificate a private authority signed: trusting exactly that authority
 *     ({@code caCertificate}, PEM); null for the JVM's trust store
 */
record WebhookTarget(String name, URI url, List<byte[]> keys, boolean binary, Duration timeout, int concurrency,
                     double ratePerSecond, boolean handshake, TrustManagerFactory trust) {

    static final String CA_CERTIFICATE = "caCertificate";
    static final int MAX_CONCURRENCY = 64;
    static final int MAX_TIMEOUT_SECONDS = 300;

    WebhookTarget {
        keys = List.copyOf(keys);
    }

    /** As {@link #parse(String, String, String, String, String, int, int, double, boolean, String, SinkAddressPolicy)}, public addresses only. */
    static WebhookTarget parse(String name, String url, String secret, String previousSecret, String mode,
                               int timeoutSeconds, int concurrency, double ratePerSecond, boolean handshake,
                               String caCertificate) {
        return parse(name, url, secret, previousSecret, mode, timeoutSeconds, concurrency, ratePerSecond, handshake,
            caCertificate, SinkAddressPolicy.publicOnly());
    }

    /**
     * Checks and parses the URI's values; every message names the parameter, none repeats a secret.
     *
     * @throws SinkAddressPolicy.Refused when the URL's host is an address {@code policy} does not allow
     */
    static WebhookTarget parse(String name, String url, String secret, String previousSecret, String mode,
                               int timeoutSeconds, int concurrency, double ratePerSecond, boolean handshake,
                               String caCertificate, SinkAddressPolicy policy) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("webhook endpoint names no target: webhook:<target-name>?url=...");
        }
        URI uri = url(url);
        policy.checkConfigured("url", url, uri.getHost(), SinkAddressPolicy.port(uri));
        List<byte[]> keys = new ArrayList<>(2);
        keys.add(StandardWebhooks.key(secret, "secret"));
        if (previousSecret != null && !previousSecret.isBlank()) {
            keys.add(StandardWebhooks.key(previousSecret, "previousSecret"));
        }
        String m = mode == null ? "structured" : mode.toLowerCase(Locale.ROOT);
        if (!m.equals("structured") && !m.equals("binary")) {
            throw new IllegalArgumentException("mode must be structured or binary, was '" + mode + "'");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("timeoutSeconds must be between 1 and " + MAX_TIMEOUT_SECONDS
                + ", was " + timeoutSeconds);
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency must be between 1 and " + MAX_CONCURRENCY + ", was "
                + concurrency);
        }
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be 0 (no limit) or more, was " + ratePerSecond);
        }
        TrustManagerFactory trust = null;
        if (caCertificate != null && !caCertificate.isBlank()) {
            if (!"https".equalsIgnoreCase(uri.getScheme())) {
                // over plain http it would silently not be used, and its author would believe the receiver is checked
                throw new IllegalArgumentException(CA_CERTIFICATE + " is set but url is not an https:// address: a "
                    + "private authority's certificate is used only over TLS");
            }
            trust = PemCertificates.trusting(caCertificate, CA_CERTIFICATE);
        }
        return new WebhookTarget(name, uri, keys, m.equals("binary"), Duration.ofSeconds(timeoutSeconds),
            concurrency, ratePerSecond, handshake, trust);
    }

    private static URI url(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url is required: the http or https address events are POSTed to");
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("url must be an http:// or https:// address with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url must not carry credentials (user:password@): the signature "
                + "authenticates the hub to the receiver");
        }
        return uri;
    }

    /** The URL as logs and errors show it: scheme, host, port and path, no query (it may hold a token). */
    String shownUrl() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
            + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    @Override
    public String toString() {
        return "WebhookTarget[" + name + " " + shownUrl() + (binary ? " binary" : " structured") + ", "
            + keys.size() + " secret(s), timeout " + timeout.toSeconds() + " s, concurrency " + concurrency
            + (ratePerSecond > 0 ? ", " + ratePerSecond + "/s" : "") + (handshake ? ", handshake" : "")
            + (trust == null ? "" : ", own CA") + "]";
    }
}
