package de.datenhafen.api;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * X.509 certificates in PEM form, as a config gives them: the certificate of a private certificate authority that a
 * connection trusts instead of the JVM's trust store (a webhook receiver's, an MQTT broker's). {@link
 * ConfigCheck#pemCertificates()} refuses a value this does not read, so a connector's config is refused at
 * {@code /validate}, create and update, naming its key, before anything connects; the hub's sinks read the value with
 * the same code when they build their trust.
 *
 * <p>What is read: every {@code -----BEGIN CERTIFICATE-----} ... {@code -----END CERTIFICATE-----} block, its base64
 * with any white space in it removed. So a value whose line breaks were lost on the way (a one-line form field; Camel
 * drops them from an endpoint URI, also inside {@code RAW(...)}) reads as well as the file. Text outside the blocks
 * (the {@code subject=} lines {@code openssl} writes, a bundle's names and checksums) is ignored; any other PEM block
 * is refused, a private key above all, which a connection that only checks its peer never needs, also when its
 * lines are not written as PEM has them (lower case, other dashes), and so is base64 outside the blocks (a key pasted
 * without its lines), which would be kept and shown as text. Refusals say what is wrong and never repeat the value.
 *
 * <p>Stateless and thread-safe; called on whichever thread validates or builds a connection.
 *
 * @since 1.8
 */
public final class PemCertificates {

    /** The most characters a value may have: room for a chain of dozens of certificates (one is 1 to 2 KiB). */
    public static final int MAX_CHARS = 64 * 1024;

    private static final Pattern BLOCK = Pattern.compile(
        "-----BEGIN ([A-Z0-9 ]{1,40})-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----");
    /** {@code BEGIN ... PRIVATE KEY} written any way: any case, any dashes and white space, any key type between. */
    private static final Pattern LOOSE_KEY = Pattern.compile("BEGIN[^\\n]{0,40}?PRIVATE\\s*KEY",
        Pattern.CASE_INSENSITIVE);
    /** A run of base64 as long as a PEM line, outside the blocks: data, not a note. */
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]{64,}={0,2}");
    private static final String FORM = "(-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)";

    private PemCertificates() {
    }

    /**
     * A trust manager factory that trusts the certificates of {@code pem} and nothing else, for a TLS connection to a
     * peer that a private authority certified ({@code SSLContext.init(null, factory.getTrustManagers(), null)}). Its
     * user still checks the peer's host name against the certificate.
     *
     * @param what what the value is, for a refusal's message
     * @throws IllegalArgumentException as {@link #read} does
     */
    public static javax.net.ssl.TrustManagerFactory trusting(String pem, String what) {
        List<X509Certificate> authorities = read(pem, what);
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate authority : authorities) {
                store.setCertificateEntry("ca" + i++, authority);
            }
            javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            // certificates the JDK just read go into an empty store of its own kind: nothing a value can cause
            throw new IllegalStateException("cannot make the trust of " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The certificates of {@code pem}, in the order given.
     *
     * @param what what the value is, for a refusal's message ({@code "caCertificate"}, {@code "the value"})
     * @throws IllegalArgumentException naming {@code what}, saying what is wrong: too long, a private key or
     *     another block than a certificate, no certificate, or one that does not read as X.509
     */
    public static List<X509Certificate> read(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException(what + " is empty: give the authority's certificate in PEM form "
                + FORM);
        }
        if (pem.length() > MAX_CHARS) {
            throw new IllegalArgumentException(what + " has " + pem.length() + " characters, more than the "
                + MAX_CHARS + " certificates in PEM form may have here");
        }
        int begun = 0;
        for (Matcher begin = BEGIN.matcher(pem); begin.find(); begun++) {
            String label = begin.group(1);
            if (label.contains("PRIVATE KEY")) {
                // a key in a config is stored, shown to admins and backed up: say so, and keep none of it
                throw new IllegalArgumentException(what + " holds a private key (-----BEGIN " + label + "-----): the "
                    + "hub needs only the authority's certificate to check the other side, never a key; remove the "
                    + "key (and replace it, if it was shared)");
            }
            if (!label.equals("CERTIFICATE")) {
                throw new IllegalArgumentException(what + " holds a block of another kind (-----BEGIN " + label
                    + "-----): give only certificates in PEM form " + FORM);
            }
        }
        if (LOOSE_KEY.matcher(pem).find()) {
            // a key however its lines are written (lower case, a tab, four dashes): the blocks above see only the
            // labels written as PEM has them, and what they do not see would be kept as text
            throw new IllegalArgumentException(what + " holds what reads as a private key (the words PRIVATE KEY "
                + "after BEGIN): the hub needs only the authority's certificate to check the other side, never a key; "
                + "remove the key (and replace it, if it was shared)");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher block = BLOCK.matcher(pem);
        CertificateFactory x509 = factory();
        while (block.find()) {
            int n = certificates.size() + 1;
            byte[] der;
            try {
                der = Base64.getDecoder().decode(block.group(2).replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("certificate " + n + " in " + what + " is not base64 between "
                    + "its BEGIN and END lines");
            }
            try {
                certificates.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException | ClassCastException e) {
                // not the parser's own words: they name the JDK's classes and exceptions
                throw new IllegalArgumentException("certificate " + n + " in " + what + " does not read as an "
                    + "X.509 certificate: its base64 is not a certificate's encoding (was it cut or changed?)");
            }
        }
        if (certificates.size() < begun) {
            throw new IllegalArgumentException("certificate " + (certificates.size() + 1) + " in " + what
                + " has no -----END CERTIFICATE----- line after its BEGIN line (was it cut short?)");
        }
        Matcher loose = BASE64_RUN.matcher(BLOCK.matcher(pem).replaceAll(" "));
        while (loose.find()) {
            String run = loose.group();
            boolean mixed = !run.equals(run.toLowerCase(java.util.Locale.ROOT))
                && !run.equals(run.toUpperCase(java.util.Locale.ROOT));
            if (mixed) {
                // base64 without its BEGIN and END lines (a key pasted bare?) would be kept and shown as text; a
                // bundle's notes (names, a SHA-256 in hex, openssl's hex dumps with colons) are never such a run
                throw new IllegalArgumentException(what + " holds base64 outside its certificate blocks, without "
                    + "BEGIN and END lines: give only certificates in PEM form " + FORM + ", and never a key");
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no certificate in PEM form: give the authority's "
                + "certificate " + FORM);
        }
        return List.copyOf(certificates);
    }

    /** What is wrong with {@code pem} ({@link #read}'s refusal, naming {@code what}), or null when it reads. */
    public static String problem(String pem, String what) {
        try {
            read(pem, what);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static CertificateFactory factory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JVM reads no X.509 certificates", e); // every JVM must
        }
    }
}
