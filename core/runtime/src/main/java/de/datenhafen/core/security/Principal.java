package de.datenhafen.core.security;

/**
 * Who a request acts as.
 *
 * @param tokenId the id of the token used (never the token itself)
 * @param role {@code admin} for now; member roles come with accounts
 * @param member the member the token belongs to, or null for the hub's admin
 */
public record Principal(String tokenId, String role, String member) {

    public static final String ADMIN = "admin";

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }
}
