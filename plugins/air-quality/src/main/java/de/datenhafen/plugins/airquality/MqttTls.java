package de.datenhafen.plugins.airquality;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
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

    /**
     * A socket factory that trusts the CA certificates in {@code pem} and nothing else.
     *
     * @throws IllegalArgumentException naming {@code ca-certificate} when it holds no X.509 certificate in PEM, or
     *     when the broker URI does not use TLS (the certificate would silently be ignored)
     */
    static SSLSocketFactory trusting(String pem, String broker) {
        if (!isTls(broker)) {
            throw new IllegalArgumentException(CA_CERTIFICATE + " is set but the broker " + broker
                + " is not a TLS address: use ssl://host:8883 (or wss://)");
        }
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalArgumentException(CA_CERTIFICATE + " is not an X.509 certificate in PEM form (-----BEGIN "
                + "CERTIFICATE----- ...): " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(CA_CERTIFICATE + " holds no certificate: give the CA certificate in PEM "
                + "form (-----BEGIN CERTIFICATE----- ...)");
        }
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                trusted.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return tls.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS with the " + CA_CERTIFICATE + ": " + e.getMessage(), e);
        }
    }
}
