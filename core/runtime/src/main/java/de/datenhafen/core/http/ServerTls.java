package de.datenhafen.core.http;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.config.HubConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's HTTPS identity: a PEM certificate chain and its private key, read and checked once at start so that a
 * missing, unreadable or mismatched file stops the start with a message naming the config key and the file, before
 * the database opens. Messages never quote a file's content. The files are read once: a renewed certificate takes
 * effect at the next start.
 */
public final class ServerTls {

    /**
     * TLS 1.0 and 1.1 are deprecated (RFC 8996). Vert.x 4.5's default is the same pair; it is set here anyway so that
     * neither another Vert.x default nor a JVM whose java.security allows TLS 1.1 widens it.
     */
    public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    /** A chain of a few certificates, or a key, is a few KiB; a bigger file is not what the admin meant. */
    private static final long MAX_FILE_SIZE = 1024 * 1024;
    private static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private final Buffer certPem;
    private final Buffer keyPem;
    private final X509Certificate leaf;

    private ServerTls(Buffer certPem, Buffer keyPem, X509Certificate leaf) {
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.leaf = leaf;
    }

    /**
     * Reads and checks the files: the certificate file holds X.509 certificates in PEM, the key file a private key
     * Vert.x can use, and the key belongs to the first certificate (the server's own; the chain follows it).
     *
     * @throws InvalidInputException naming {@value HubConfig#HTTP_TLS_CERT} or {@value HubConfig#HTTP_TLS_KEY} and
     *     the file
     */
    public static ServerTls load(HubConfig.TlsFiles files, Clock clock) {
        byte[] certBytes = read(HubConfig.HTTP_TLS_CERT, files.cert(), "certificate");
        byte[] keyBytes = read(HubConfig.HTTP_TLS_KEY, files.key(), "private key");
        List<X509Certificate> chain = certificates(files.cert(), certBytes);
        X509Certificate leaf = chain.get(0);
        // The key first with the server's certificate alone: a failure then is the key file's, not the chain's.
        X509KeyManager keys = keyManager(files.key(), pem(leaf), keyBytes);
        checkPair(files, leaf, keys);
        checkChain(files.cert(), chain);
        try {
            pem(Buffer.buffer(certBytes), Buffer.buffer(keyBytes)).getKeyManagerFactory(null);
        } catch (Exception e) {
            throw new InvalidInputException(HubConfig.HTTP_TLS_CERT + ": the certificates in " + files.cert()
                + " cannot be used with the key in " + files.key() + ": " + describe(e), HubConfig.HTTP_TLS_CERT);
        }
        warnIfPublic(files.key());
        Instant now = clock.instant();
        if (leaf.getNotAfter().toInstant().isBefore(now)) {
            LOG.warn("The certificate in {} ({}) expired at {}: browsers and clients will refuse the hub until it is "
                + "renewed", files.cert(), leaf.getSubjectX500Principal().getName(), leaf.getNotAfter().toInstant());
        } else if (leaf.getNotAfter().toInstant().isBefore(now.plus(EXPIRY_WARNING))) {
            LOG.warn("The certificate in {} ({}) expires at {}; renew it and restart the hub", files.cert(),
                leaf.getSubjectX500Principal().getName(), leaf.getNotAfter().toInstant());
        }
        return new ServerTls(Buffer.buffer(certBytes), Buffer.buffer(keyBytes), leaf);
    }

    /** Sets the options of an HTTPS server: this certificate and key, TLS 1.2 and 1.3 only. */
    public HttpServerOptions applyTo(HttpServerOptions options) {
        return options.setSsl(true).setKeyCertOptions(pem(certPem, keyPem))
            .setEnabledSecureTransportProtocols(new LinkedHashSet<>(PROTOCOLS));
    }

    /** The server's certificate (the first in the file). */
    public X509Certificate certificate() {
        return leaf;
    }

    @Override
    public String toString() {
        return "ServerTls{" + leaf.getSubjectX500Principal().getName() + ", until " + leaf.getNotAfter().toInstant()
            + "}";
    }

    private static byte[] read(String key, Path file, String what) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException(key + ": " + file + " is not a file (it should hold the "
                    + what + " in PEM)", key);
            }
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new InvalidInputException(key + ": " + file + " is larger than " + MAX_FILE_SIZE
                    + " bytes, too large for a " + what + " in PEM", key);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(key + ": " + file + " does not exist", key);
        } catch (AccessDeniedException e) {
            throw new InvalidInputException(key + ": " + file + " cannot be read by the hub's user "
                + "(permission denied)", key);
        } catch (IOException e) {
            throw new InvalidInputException(key + ": " + file + " cannot be read: " + e.getClass().getSimpleName(),
                key);
        }
    }

    private static List<X509Certificate> certificates(Path file, byte[] pem) {
        Collection<? extends java.security.cert.Certificate> found;
        try {
            found = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        } catch (CertificateException e) {
            throw new InvalidInputException(HubConfig.HTTP_TLS_CERT + ": " + file + " holds no readable X.509 "
                + "certificate in PEM (-----BEGIN CERTIFICATE-----)", HubConfig.HTTP_TLS_CERT);
        }
        List<X509Certificate> chain = new ArrayList<>();
        found.forEach(c -> chain.add((X509Certificate) c));
        // Vert.x reads only the BEGIN CERTIFICATE blocks; the JDK also takes DER, which Vert.x would then refuse.
        if (chain.isEmpty() || !new String(pem, StandardCharsets.US_ASCII)
            .contains("-----BEGIN CERTIFICATE-----")) {
            throw new InvalidInputException(HubConfig.HTTP_TLS_CERT + ": " + file + " holds no X.509 certificate in "
                + "PEM (-----BEGIN CERTIFICATE-----)", HubConfig.HTTP_TLS_CERT);
        }
        return chain;
    }

    /**
     * The key as Vert.x will load it, so that every form Vert.x reads is accepted and nothing else. The certificate
     * has been checked before, so a failure here is the key file's.
     */
    private static X509KeyManager keyManager(Path file, byte[] certPem, byte[] keyPem) {
        try {
            // Given values rather than paths, Vert.x reads no file and so needs no Vert.x instance.
            for (KeyManager km : pem(Buffer.buffer(certPem), Buffer.buffer(keyPem)).getKeyManagerFactory(null)
                .getKeyManagers()) {
                if (km instanceof X509KeyManager x509) {
                    return x509;
                }
            }
        } catch (Exception e) {
            // The exception's message is Vert.x's or the JDK's description of the format, never the key itself.
            throw new InvalidInputException(HubConfig.HTTP_TLS_KEY + ": " + file + " holds no private key the hub "
                + "can use (an unencrypted PEM key: BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY): "
                + describe(e), HubConfig.HTTP_TLS_KEY);
        }
        throw new InvalidInputException(HubConfig.HTTP_TLS_KEY + ": " + file + " holds no private key the hub can use",
            HubConfig.HTTP_TLS_KEY);
    }

    /** Signs a random challenge with the key and verifies it with the certificate's public key. */
    private static void checkPair(HubConfig.TlsFiles files, X509Certificate leaf, X509KeyManager keys) {
        String mismatch = HubConfig.HTTP_TLS_KEY + ": the private key in " + files.key() + " does not belong to the "
            + "first certificate in " + files.cert() + " (" + leaf.getSubjectX500Principal().getName()
            + "); the file of " + HubConfig.HTTP_TLS_CERT + " must start with the server's own certificate, then its "
            + "chain";
        String algorithm = leaf.getPublicKey().getAlgorithm();
        String[] aliases = keys.getServerAliases(algorithm, null);
        if (aliases == null || aliases.length == 0) {
            throw new InvalidInputException(mismatch, HubConfig.HTTP_TLS_KEY);
        }
        PrivateKey key = keys.getPrivateKey(aliases[0]);
        if (key == null || !key.getAlgorithm().equals(algorithm)) {
            throw new InvalidInputException(mismatch, HubConfig.HTTP_TLS_KEY);
        }
        String signature = switch (algorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null;
        };
        if (signature == null) {
            throw new InvalidInputException(HubConfig.HTTP_TLS_CERT + ": " + files.cert() + " holds a " + algorithm
                + " certificate; the hub serves RSA and EC certificates", HubConfig.HTTP_TLS_CERT);
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(signature);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(signature);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (!verifier.verify(signed)) {
                throw new InvalidInputException(mismatch, HubConfig.HTTP_TLS_KEY);
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException(mismatch + ": " + describe(e), HubConfig.HTTP_TLS_KEY);
        }
    }

    /**
     * Each certificate is signed by the next one, as TLS clients expect (RFC 8446, 4.4.2); the JDK's key store would
     * refuse another order with a less helpful message.
     */
    private static void checkChain(Path file, List<X509Certificate> chain) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate cert = chain.get(i);
            X509Certificate next = chain.get(i + 1);
            boolean signed = cert.getIssuerX500Principal().equals(next.getSubjectX500Principal());
            if (signed) {
                try {
                    cert.verify(next.getPublicKey());
                } catch (GeneralSecurityException e) {
                    signed = false;
                }
            }
            if (!signed) {
                throw new InvalidInputException(HubConfig.HTTP_TLS_CERT + ": certificate " + (i + 1) + " in " + file
                    + " (" + cert.getSubjectX500Principal().getName() + ") is not issued by certificate " + (i + 2)
                    + " (" + next.getSubjectX500Principal().getName() + "); the file must hold the server's own "
                    + "certificate, then each issuer in turn", HubConfig.HTTP_TLS_CERT);
            }
        }
    }

    private static byte[] pem(X509Certificate cert) {
        try {
            return ("-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a certificate just parsed cannot be encoded again", e);
        }
    }

    private static void warnIfPublic(Path key) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(key);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                LOG.warn("{} ({}) can be read by other users than the hub's; chmod 600 it", key,
                    HubConfig.HTTP_TLS_KEY);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }

    private static PemKeyCertOptions pem(Buffer cert, Buffer key) {
        return new PemKeyCertOptions().setCertValue(cert).setKeyValue(key);
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + LogText.escape(message) + ")");
    }
}
