package de.datenhafen.core.plugin;

/**
 * What admitted an archive, or why not, as values (the console says them in its language) and in English: not
 * checked (signatures not required), allow-listed, or signed by {@code member} with {@code keyId}; or refused,
 * with the {@code reason}.
 */
public record PluginAdmission(Kind kind, String member, String keyId, String reason) {

    public enum Kind { NOT_CHECKED, ALLOW_LISTED, SIGNED, REFUSED }

    static PluginAdmission refused(String reason) {
        return new PluginAdmission(Kind.REFUSED, null, null, reason);
    }

    /** Whether the key that signed is one whose private half is public (the repository's test key). */
    public boolean publicKey() {
        return keyId != null && SignatureCheck.PUBLIC_KEYS.contains(keyId);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NOT_CHECKED -> "not checked (signatures are not required on this hub)";
            case ALLOW_LISTED -> "admitted unsigned by the allow-list";
            case SIGNED -> "signed by member " + member + " (key " + keyId + "), verified" + (publicKey()
                ? "; the key is the repository's test key, whose private half is public" : "");
            case REFUSED -> reason;
        };
    }
}
