package de.datenhafen.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * A request's query string, read one way for every plugin: {@code application/x-www-form-urlencoded} ({@code +} is
 * a space), names and values percent-decoded as UTF-8, pairs in order. The rule for repeated names: {@link #get}
 * wants one value and refuses a name given twice; {@link #all} takes every value of a list parameter, whether repeated
 * ({@code topic=a&topic=b}) or comma-separated ({@code topic=a,b}), or both. A malformed %-escape or a repeated
 * single parameter is the caller's mistake: an {@link InvalidInputException} naming the parameter, which the hub
 * answers with 400.
 *
 * <p>Immutable and thread-safe. Made on a plugin's HTTP worker thread by its route, from the exchange the hub's HTTP
 * consumer built ({@link #of(Exchange)}) or from a raw query ({@link #parse(String)}).
 *
 * @since 1.1
 */
public final class QueryString {

    private final Map<String, List<String>> values;

    private QueryString(Map<String, List<String>> values) {
        this.values = values;
    }

    /** The query of a request that came through a plugin's {@code hub-http:} route (empty when it had none). */
    public static QueryString of(Exchange exchange) {
        String raw = exchange.getIn().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        return parse(raw != null ? raw : exchange.getIn().getHeader(Exchange.HTTP_QUERY, String.class));
    }

    /**
     * Reads a raw query string (without the {@code ?}); null or empty is an empty query.
     *
     * @throws InvalidInputException naming the parameter whose name or value has a malformed %-escape
     */
    public static QueryString parse(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), "query");
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
                out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return new QueryString(Collections.unmodifiableMap(out));
    }

    /**
     * The one value of {@code name}, or null when it is absent.
     *
     * @throws InvalidInputException when {@code name} is given more than once
     */
    public String get(String name) {
        List<String> v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v.size() > 1) {
            throw new InvalidInputException(name + " is given " + v.size() + " times; give it once", name);
        }
        return v.get(0);
    }

    /** The value of {@code name}, or {@code fallback} when it is absent; see {@link #get(String)}. */
    public String get(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }

    /**
     * Every value of the list parameter {@code name}, in order: each repetition, and each split at commas; blank
     * parts are left out. Empty when it is absent.
     */
    public List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (String v : values.getOrDefault(name, List.of())) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return List.copyOf(out);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The names given, in the order of their first appearance. */
    public Set<String> names() {
        return values.keySet();
    }

    @Override
    public String toString() {
        return "QueryString" + values;
    }

    private static String decode(String s, String field) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            String shown = field.length() > 64 ? field.substring(0, 64) + "..." : field;
            throw new InvalidInputException("malformed %-escape in " + shown + ": write a '%' as %25", shown);
        }
    }
}
