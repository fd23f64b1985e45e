package de.datenhafen.core.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an audit entry says about its action beyond who did what to what, and the outcome: parts, each a code with its
 * values ({@code roles viewer -> viewer,member-editor} is {@code roles} with {@code viewer} and
 * {@code viewer,member-editor}). The API gives both the parts and their English; the console says each part in the
 * page's language by its code ({@code audit.detail.<code>} of its messages), never by reading the English.
 *
 * <p>Values come from requests (a refused name, the reason a refusal gave): each is escaped and cut as a log line's
 * text is, and an entry keeps at most {@value #MAX_PARTS} parts.
 */
public final class AuditDetail {

    /** One thing the entry says: a code of the console's words and the values they name, in order. */
    public record Part(String code, List<String> values) {
        public Part {
            values = List.copyOf(values);
        }

        /**
         * A refusal's reason ({@code refused}: its field, English words, catalogue code and values) in German where
         * the hub's catalogue has the words, else in English; the field leads, as in English.
         */
        public String refusalInGerman(de.datenhafen.core.plugin.PluginHost plugins) {
            String field = values.get(0);
            // the values were kept as text; a count the words format as a number is one again ("{1,number,#}")
            List<Object> args = new ArrayList<>();
            for (String v : values.subList(3, values.size())) {
                args.add(v.matches("-?[0-9]{1,18}") ? (Object) Long.parseLong(v) : v);
            }
            String words = values.get(2).isEmpty() ? values.get(1) : Errors.german(new de.datenhafen.api.ConfigProblem(
                field.isEmpty() ? "-" : field, values.get(1), values.get(2), args), plugins);
            return (field.isEmpty() ? "" : field + ": ") + words;
        }

        /** The part in English, as the API's {@code detail} says it. */
        public String english() {
            return switch (code) {
                case "refused" -> "refused: " + (values.get(0).isEmpty() ? "" : values.get(0) + ": ") + values.get(1);
                default -> fill(ENGLISH.getOrDefault(code, code), values);
            };
        }
    }

    static final int MAX_PARTS = 10;
    private static final int MAX_VALUE = 200;
    /** The stored parts' longest form (the column's size): parts past it are left out, whole. */
    static final int MAX_STORED = 4000;

    /** The English words of each code; {@code {0}}, {@code {1}} are its values. */
    private static final Map<String, String> ENGLISH = Map.ofEntries(
        Map.entry("roles", "roles {0} -> {1}"),
        Map.entry("state", "state {0} -> {1}"),
        Map.entry("name.changed", "name changed"),
        Map.entry("name.removed", "name removed"),
        Map.entry("e-mail.changed", "e-mail changed"),
        Map.entry("e-mail.removed", "e-mail removed"),
        Map.entry("contact.changed", "contact changed"),
        Map.entry("contact.removed", "contact removed"),
        Map.entry("nothing", "nothing changed"),
        Map.entry("granted", "roles {0}"),
        Map.entry("expires", "expires {0}"),
        Map.entry("scope", "only {0}"),
        Map.entry("config", "config changed: {0}"),
        Map.entry("firstAdmin", "the code printed at the start for the first admin: {0} is an active hub-admin of {1}"),
        Map.entry("takeover.taken", "taken over from {0} to {1} ({2}), {3}; its state, integrations and data are kept"),
        Map.entry("takeover.kept", "kept {0}, did not take over {1} ({2}) because {3}"));

    private final List<Part> parts = new ArrayList<>();

    /** Adds a part; past {@value #MAX_PARTS} parts, nothing. */
    public AuditDetail add(String code, String... values) {
        if (parts.size() < MAX_PARTS) {
            List<String> kept = new ArrayList<>(values.length);
            for (String v : values) {
                kept.add(value(v));
            }
            parts.add(new Part(code, kept));
        }
        return this;
    }

    /**
     * A refusal's reason: the field at fault (or none), its English words, and the code of the hub's catalogue that
     * says them in other languages with its values (or none).
     */
    public AuditDetail refused(String field, String message, String code, List<?> args) {
        List<String> values = new ArrayList<>();
        values.add(field == null ? "" : field);
        values.add(message == null ? "" : withoutCredentials(message));
        values.add(code == null ? "" : code);
        args.forEach(a -> values.add(withoutCredentials(String.valueOf(a))));
        return add("refused", values.toArray(String[]::new));
    }

    /** A URL's user part ({@code user:password@}) and query: a refused value may carry them (a sink's URL). */
    private static final java.util.regex.Pattern URL_SECRETS = java.util.regex.Pattern.compile(
        "([A-Za-z][A-Za-z0-9+.-]*:/*)[^/\\s'\"@]*@|(\\?)[^\\s'\"#]+");

    /**
     * A refusal's words and values without what a URL in them may hold in secret: its user and password and its
     * query (a key) become {@code ********}. The asker saw them in the answer; the audit is read by more people.
     */
    static String withoutCredentials(String text) {
        if (text.indexOf('@') < 0 && text.indexOf('?') < 0) {
            return text;
        }
        java.util.regex.Matcher m = URL_SECRETS.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(m.group(1) != null
                ? m.group(1) + "********@" : "?********"));
        }
        return m.appendTail(out).toString();
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }

    public List<Part> parts() {
        return List.copyOf(parts);
    }

    /** The parts in English, as the API's {@code detail} has them ({@code ; } between); null when there are none. */
    public String english() {
        return parts.isEmpty() ? null : String.join("; ", parts.stream().map(Part::english).toList());
    }

    /** The parts as stored: a JSON array of {@code {code, values}}, whole parts only, at most {@value #MAX_STORED}. */
    public static String encode(List<Part> parts) {
        if (parts.isEmpty()) {
            return null;
        }
        JsonArray out = new JsonArray();
        int length = 2;
        for (Part p : parts) {
            JsonObject one = new JsonObject().put("code", p.code()).put("values", new JsonArray(new ArrayList<>(
                p.values())));
            int size = one.encode().length() + 1;
            if (length + size > MAX_STORED) {
                break;
            }
            out.add(one);
            length += size;
        }
        return out.encode();
    }

    /** The stored parts; none for an entry written before they were (its English {@code detail} alone). */
    public static List<Part> decode(String stored) {
        if (stored == null || stored.isEmpty()) {
            return List.of();
        }
        List<Part> out = new ArrayList<>();
        try {
            for (Object o : new JsonArray(stored)) {
                JsonObject one = (JsonObject) o;
                List<String> values = new ArrayList<>();
                one.getJsonArray("values", new JsonArray()).forEach(v -> values.add(String.valueOf(v)));
                out.add(new Part(String.valueOf(one.getString("code")), values));
            }
        } catch (RuntimeException unreadable) { // not as this class writes them: the English detail says it
            return List.of();
        }
        return out;
    }

    private static String value(String v) {
        if (v == null) {
            return "";
        }
        String cut = v.length() > MAX_VALUE ? v.substring(0, Character.isHighSurrogate(v.charAt(MAX_VALUE - 1))
            ? MAX_VALUE - 1 : MAX_VALUE) + "…" : v;
        return LogText.escape(cut);
    }

    private static String fill(String words, List<String> values) {
        String out = words;
        for (int i = 0; i < values.size(); i++) {
            out = out.replace("{" + i + "}", values.get(i));
        }
        return out;
    }
}
