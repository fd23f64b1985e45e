package de.datenhafen.core.bus;

import de.datenhafen.api.InvalidInputException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which events a reader or subscription wants: type patterns and a subject prefix.
 *
 * <p>A type pattern is an exact type ({@code air.reading}) or ends in {@code *} to match every type with that
 * prefix ({@code air.*}, {@code *}). An empty list matches every type. A null subject prefix matches every subject.
 *
 * @param typePatterns type patterns, any of which may match
 * @param subjectPrefix subject prefix, or null
 */
public record EventFilter(List<String> typePatterns, String subjectPrefix) {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:/-]*\\*?");

    public static final EventFilter ALL = new EventFilter(List.of(), null);

    public EventFilter {
        typePatterns = typePatterns == null ? List.of() : List.copyOf(typePatterns);
        for (String p : typePatterns) {
            if (p.isEmpty() || !VALID.matcher(p).matches()) {
                throw new InvalidInputException("type pattern '" + p
                    + "' must be an event type, optionally ending in *", "types");
            }
        }
        int chars = String.join(",", typePatterns).length();
        if (chars > de.datenhafen.api.BusConsumerEndpoint.MAX_TYPES_CHARS) { // what a subscription keeps
            throw new InvalidInputException("types have at most " + de.datenhafen.api.BusConsumerEndpoint
                .MAX_TYPES_CHARS + " characters together, a comma between two; these have " + chars, "types");
        }
        if (subjectPrefix != null && subjectPrefix.isEmpty()) {
            subjectPrefix = null;
        }
        if (subjectPrefix != null && subjectPrefix.length() > de.datenhafen.api.BusConsumerEndpoint
            .MAX_SUBJECT_PREFIX_CHARS) {
            throw new InvalidInputException("subjectPrefix has at most " + de.datenhafen.api.BusConsumerEndpoint
                .MAX_SUBJECT_PREFIX_CHARS + " characters; this one has " + subjectPrefix.length(), "subjectPrefix");
        }
    }

    public static EventFilter ofTypes(String... patterns) {
        return new EventFilter(List.of(patterns), null);
    }

    public boolean matchesType(String type) {
        if (typePatterns.isEmpty()) {
            return true;
        }
        for (String p : typePatterns) {
            if (p.endsWith("*") ? type.startsWith(p.substring(0, p.length() - 1)) : type.equals(p)) {
                return true;
            }
        }
        return false;
    }

    public boolean matches(StoredEvent e) {
        String subject = e.event().getSubject();
        return matchesType(e.event().getType())
            && (subjectPrefix == null || (subject != null && subject.startsWith(subjectPrefix)));
    }

    @Override
    public String toString() {
        return "types=" + (typePatterns.isEmpty() ? "*" : typePatterns.stream().collect(Collectors.joining(",")))
            + (subjectPrefix == null ? "" : " subject=" + subjectPrefix + "*");
    }
}
