package de.datenhafen.plugins.social;

import de.datenhafen.api.Caller;
import java.util.Set;

/** Callers as the hub hands them to the directory's routes, for tests that call {@link Api} as plain Java. */
final class Callers {

    /** The member that owns the plugin in these tests, as the demo's members make it. */
    static final String OWNER = "social-smart-city";

    private Callers() {
    }

    /** A token of {@code member} with the role member-editor. */
    static Caller editorOf(String member) {
        return new Caller("token", "tok-" + member, member, Set.of(Caller.MEMBER_EDITOR), null, null);
    }

    /** The directory's staff: an editor of its owning member. */
    static Caller owner() {
        return editorOf(OWNER);
    }
}
