package de.datenhafen.core.security;

import de.datenhafen.api.InvalidInputException;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a principal may do. Each role includes the ones below it: {@code hub-admin} (the association's staff:
 * everything, every member), {@code member-admin} (its own member's users, tokens and the integrations of its
 * plugins), {@code member-editor} (writes its own member's data through plugin APIs), {@code viewer} (reads its own
 * member's admin views).
 */
public enum Role {
    VIEWER("viewer"),
    MEMBER_EDITOR("member-editor"),
    MEMBER_ADMIN("member-admin"),
    HUB_ADMIN("hub-admin");

    private final String id;

    Role(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Whether holding this role gives {@code other} too. */
    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public static Role of(String id, String field) {
        for (Role r : values()) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        throw new InvalidInputException("unknown role '" + id + "'; roles are " + Arrays.stream(values())
            .map(Role::id).collect(Collectors.joining(", ")), field).coded("role.unknown", String.valueOf(id));
    }

    /** Roles as stored: ids joined by commas, in this enum's order. */
    public static String format(Collection<Role> roles) {
        return roles.stream().sorted().map(Role::id).collect(Collectors.joining(","));
    }

    public static Set<Role> parse(String stored) {
        Set<Role> out = EnumSet.noneOf(Role.class);
        if (stored != null && !stored.isBlank()) {
            for (String s : stored.split(",")) {
                out.add(of(s.strip().toLowerCase(Locale.ROOT), "roles"));
            }
        }
        return out;
    }

    /** Roles from a JSON list, at least one. */
    public static Set<Role> fromList(List<?> ids, String field) {
        if (ids == null || ids.isEmpty()) {
            throw new InvalidInputException("give at least one role: " + Arrays.stream(values()).map(Role::id)
                .collect(Collectors.joining(", ")), field).coded("role.none");
        }
        Set<Role> out = EnumSet.noneOf(Role.class);
        for (Object o : ids) {
            if (!(o instanceof String s)) {
                throw new InvalidInputException("a role is a string", field).coded("role.notString");
            }
            out.add(of(s, field));
        }
        return out;
    }

    /** The widest of {@code roles}; null for none. */
    public static Role widest(Collection<Role> roles) {
        return roles.stream().max(Role::compareTo).orElse(null);
    }
}
