package de.datenhafen.plugins.social;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one place that says who may change what in the directory. Until the hub has accounts and roles for members,
 * the directory's admin (the integration's {@code admin-token}) may import and issue organisation tokens, and an
 * organisation's token may create, update and withdraw the services of that organisation and of no other. When the
 * hub's roles arrive, this class is what moves there.
 */
final class Access {

    /** Refused: answered with 401 (no or unknown token) or 403 (a token that may not do this). */
    static final class Denied extends RuntimeException {
        final int status;

        Denied(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private Access() {
    }

    static void requireAdmin(Principal p) {
        if (p instanceof Principal.Anonymous) {
            throw new Denied(401, "a bearer token is required");
        }
        if (!(p instanceof Principal.Admin)) {
            throw new Denied(403, "only the directory's admin may do this");
        }
    }

    /** Passes when {@code p} may create, update or withdraw services of organisation {@code organizationId}. */
    static void requireMayEditServicesOf(Principal p, String organizationId) {
        if (p instanceof Principal.Admin) {
            return;
        }
        if (p instanceof Principal.Organization o) {
            if (o.organizationId().equals(organizationId)) {
                return;
            }
            throw new Denied(403, "this token belongs to organization " + o.organizationId()
                + " and may not change services of organization " + organizationId);
        }
        throw new Denied(401, "a bearer token is required");
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean sameSecret(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
