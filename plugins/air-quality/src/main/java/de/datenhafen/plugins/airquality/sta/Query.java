package de.datenhafen.plugins.airquality.sta;

import de.datenhafen.plugins.airquality.TextLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query options of one request or of one {@code $expand} item: {@code $top}, {@code $skip}, {@code $count},
 * {@code $select}, {@code $orderby}, {@code $filter} and {@code $expand} (nested, with options of its own in
 * parentheses separated by {@code ;}). {@code top} is null when not given (the page size applies). {@code after}
 * is the {@code $skiptoken} of a nextLink of Observations (the id of the last Observation of the page before), null
 * when not given.
 */
record Query(Integer top, int skip, Long after, boolean count, List<String> select, List<Parser.Order> orderBy,
             Expr filter, List<Expand> expand, Map<String, String> raw) {

    static final Query NONE = new Query(null, 0, null, false, List.of(), List.of(), null, List.of(), Map.of());

    /** One navigation property to expand and the options that apply to it. */
    record Expand(String nav, Query query) {
    }

    /** Parses the request's options with the default limits. */
    static Query parse(Map<String, String> options) {
        return parse(options, Limits.DEFAULT.maxExpandDepth());
    }

    /**
     * Parses the request's options; keys that do not start with {@code $} are ignored. {@code $expand} may nest
     * {@code maxExpandDepth} levels (a path {@code a/b} counts two); deeper is a 400 before anything is read.
     */
    static Query parse(Map<String, String> options, int maxExpandDepth) {
        return parse(options, maxExpandDepth, 0);
    }

    private static Query parse(Map<String, String> options, int maxExpandDepth, int depth) {
        Integer top = null;
        int skip = 0;
        Long after = null;
        boolean count = false;
        List<String> select = List.of();
        List<Parser.Order> orderBy = List.of();
        Expr filter = null;
        List<Expand> expand = List.of();
        Map<String, String> raw = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (!key.startsWith("$")) {
                continue;
            }
            raw.put(key, value);
            if (value.length() > Limits.MAX_OPTION_LENGTH) {
                throw StaException.badRequest(key, Limits.MAX_OPTION_LENGTH, key + " has " + value.length()
                    + " characters; at most " + Limits.MAX_OPTION_LENGTH + " are read");
            }
            switch (key) {
                case "$top" -> top = nonNegative(key, value);
                case "$skip" -> skip = nonNegative(key, value);
                case "$skiptoken" -> after = token(key, value);
                case "$count" -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        throw StaException.badRequest(key, 0, "$count must be true or false, not '" + value + "'");
                    }
                    count = value.equals("true");
                }
                case "$select" -> select = select(value);
                case "$orderby" -> orderBy = Parser.orderBy(value);
                case "$filter" -> filter = Parser.filter(value);
                case "$expand" -> expand = expand(value, maxExpandDepth, depth);
                default -> throw StaException.badRequest(key, 0, "the query option " + key + " is not supported; "
                    + "supported: $top, $skip, $count, $select, $orderby, $filter, $expand (and $skiptoken in "
                    + "nextLinks)");
            }
        }
        return new Query(top, skip, after, count, select, orderBy, filter, expand, raw);
    }

    /** A nextLink's {@code $skiptoken}: the id of the Observation the next page starts after. */
    private static Long token(String key, String value) {
        try {
            long id = Long.parseLong(value.trim());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw StaException.badRequest(key, 0, key + " is not one this service made ('" + TextLimits.shown(value)
            + "'): follow the @iot.nextLink as it is");
    }

    private static int nonNegative(String key, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw StaException.badRequest(key, 0, key + " must be a whole number of 0 or more, not '" + value + "'");
    }

    private static List<String> select(String value) {
        List<String> out = new ArrayList<>();
        int pos = 0;
        for (String part : value.split(",", -1)) {
            String name = part.trim();
            if (!name.matches("[A-Za-z@][A-Za-z0-9@.]*")) {
                throw StaException.badRequest("$select", pos, "invalid $select at position " + pos + ": '" + part
                    + "' is not a property name");
            }
            out.add(name.equals("@iot.id") ? "id" : name);
            pos += part.length() + 1;
        }
        return List.copyOf(out);
    }

    /**
     * {@code a($top=1;$expand=b),c/d} into items; a path {@code c/d} expands c, and d inside it. {@code depth} is how
     * deep this {@code $expand} is already nested.
     */
    private static List<Expand> expand(String text, int maxDepth, int depth) {
        List<Expand> out = new ArrayList<>();
        int i = 0;
        while (i <= text.length()) {
            int start = i;
            while (i < text.length() && text.charAt(i) != '(' && text.charAt(i) != ',') {
                i++;
            }
            String path = text.substring(start, i).trim();
            if (!path.matches("[A-Za-z]+(/[A-Za-z]+)*")) {
                throw StaException.badRequest("$expand", start, "invalid $expand at position " + start + ": '" + path
                    + "' is not a navigation property (or a path of them)");
            }
            String[] navs = path.split("/");
            if (depth + navs.length > maxDepth) {
                throw StaException.badRequest("$expand", start, "invalid $expand at position " + start + ": '" + path
                    + "' nests $expand " + (depth + navs.length) + " levels deep; at most " + maxDepth
                    + " (max-expand-depth)");
            }
            Query options = NONE;
            if (i < text.length() && text.charAt(i) == '(') {
                int close = matching(text, i);
                options = nested(text.substring(i + 1, close), i + 1, maxDepth, depth + navs.length);
                i = close + 1;
                while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
            }
            Query inner = options;
            for (int k = navs.length - 1; k > 0; k--) {
                inner = NONE.withExpand(List.of(new Expand(navs[k], inner)));
            }
            out.add(new Expand(navs[0], inner));
            if (i >= text.length()) {
                break;
            }
            if (text.charAt(i) != ',') {
                throw StaException.badRequest("$expand", i, "invalid $expand at position " + i + ": expected ',' "
                    + "or the end");
            }
            i++;
        }
        return merge(out);
    }

    /** Two items for the same navigation property (a/b,a/c) become one that expands both. */
    private static List<Expand> merge(List<Expand> items) {
        Map<String, Expand> byNav = new LinkedHashMap<>();
        for (Expand e : items) {
            Expand had = byNav.get(e.nav());
            if (had == null) {
                byNav.put(e.nav(), e);
            } else {
                List<Expand> both = new ArrayList<>(had.query().expand());
                both.addAll(e.query().expand());
                Query q = had.query().raw().isEmpty() ? e.query() : had.query();
                byNav.put(e.nav(), new Expand(e.nav(), q.withExpand(merge(both))));
            }
        }
        return List.copyOf(byNav.values());
    }

    private static int matching(String text, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && --depth == 0) {
                return i;
            }
        }
        throw StaException.badRequest("$expand", open, "invalid $expand at position " + open
            + ": this '(' is not closed");
    }

    /** The options inside an expand item's parentheses; errors are reported in $expand with absolute positions. */
    private static Query nested(String text, int offset, int maxDepth, int level) {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, Integer> starts = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            int start = i;
            int depth = 0;
            boolean quoted = false;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '\'') {
                    quoted = !quoted;
                } else if (!quoted && c == '(') {
                    depth++;
                } else if (!quoted && c == ')') {
                    depth--;
                } else if (!quoted && depth == 0 && c == ';') {
                    break;
                }
                i++;
            }
            String part = text.substring(start, i);
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw StaException.badRequest("$expand", offset + start, "invalid $expand at position "
                    + (offset + start) + ": expected $option=value, found '" + part + "'");
            }
            String key = part.substring(0, eq).trim();
            options.put(key, part.substring(eq + 1));
            starts.put(key, offset + start + eq + 1);
            i++;
        }
        try {
            return parse(options, maxDepth, level);
        } catch (StaException e) {
            int base = starts.getOrDefault(e.field, offset);
            StaException moved = e.in("$expand", base);
            throw new StaException(400, "$expand", moved.position, "invalid $expand at position " + moved.position
                + " (in " + e.field + "): " + stripPrefix(e.getMessage()));
        }
    }

    private static String stripPrefix(String message) {
        int at = message.indexOf(": ");
        return message.startsWith("invalid ") && at > 0 ? message.substring(at + 2) : message;
    }

    Query withExpand(List<Expand> expand) {
        return new Query(top, skip, after, count, select, orderBy, filter, expand, raw);
    }
}
