package de.datenhafen.plugins.social;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * The one place that says who may change what in the directory. Until the hub has accounts and roles for members,
 * the directory's admin (the integration's {@code admin-token}) may import and issue organisation tokens, and an
 * organisation's token may create, update and withdraw the services of that organisation and of no other, and may not
 * bring into them an object (a location, a phone, ...) that another organisation's services carry. When the hub's
 * roles arrive, this class is what moves there.
 */
final class Access {

    /** Refused: answered with 401 (no or unknown token) or 403 (a token that may not do this). */
    static final class Denied extends RuntimeException {
        final int status;
        /** What the answer names as the field at fault: the Authorization header, or a path in the body. */
        final String field;

        Denied(int status, String message) {
            this(status, message, "Authorization");
        }

        Denied(int status, String message, String field) {
            super(message);
            this.status = status;
            this.field = field;
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

    /**
     * Passes when {@code p} may put the nested object {@code n} into a service of organisation {@code organizationId}
     * although the stored services of the organisations {@code others} carry an object with its id: taking it in
     * would change their object as the directory shows and exports it. The admin may; an organisation may only keep
     * such an object exactly as its service had it ({@code unchanged}: an object shared by an admin's import).
     */
    static void requireMayCarry(Principal p, String organizationId, NestedOwners.Nested n, Set<String> others,
                                boolean unchanged) {
        if (p instanceof Principal.Admin || others.isEmpty() || unchanged) {
            return;
        }
        throw new Denied(403, n.kind() + " " + n.id() + " belongs to organization " + others.iterator().next()
            + "; a token of organization " + organizationId + " may not change it", n.path());
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
