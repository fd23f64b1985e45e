package de.datenhafen.plugins.airquality;

import de.datenhafen.api.PemCertificates;
import java.security.GeneralSecurityException;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards a broker whose certificate a private CA signed (a self-hosted ChirpStack, a vendor's own broker): the
 * connection trusts exactly the CA certificates of the integration's {@code ca-certificate}, PEM. Without it, Paho
 * uses the JVM's trust store, which is right for public brokers such as The Things Stack Cloud. The broker's host
 * name is always checked against its certificate.
 */
final class MqttTls {

    static final String CA_CERTIFICATE = "ca-certificate";

    private MqttTls() {
    }

    /** Whether the broker URI asks for TLS ({@code ssl://} or {@code wss://}). */
    static boolean isTls(String broker) {
        String b = broker.toLowerCase(Locale.ROOT);
        return b.startsWith("ssl://") || b.startsWith("wss://");
    }

    /** Why a certificate is refused for a broker not spoken to over TLS. */
    static String notTls(String broker) {
        return CA_CERTIFICATE + " is set but the broker " + broker + " is not a TLS address: use ssl://host:8883 (or "
            + "wss://)";
    }

    /**
     * A socket factory that trusts the CA certificates in {@code pem} and nothing else.
     *
     * @throws IllegalArgumentException naming {@code ca-certificate} when it holds no X.509 certificate in PEM, or
     *     when the broker URI does not use TLS (the certificate would silently be ignored)
     */
    static SSLSocketFactory trusting(String pem, String broker) {
        if (!isTls(broker)) {
            throw new IllegalArgumentException(notTls(broker));
        }
        TrustManagerFactory tmf = PemCertificates.trusting(pem, CA_CERTIFICATE); // as the hub's sinks read it
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return tls.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS with the " + CA_CERTIFICATE + ": " + e.getMessage(), e);
        }
    }
}
