package de.datenhafen.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A declarative rule for one config value: a range, one of some values, a pattern, a length, a URL, duration bounds,
 * a time zone, certificates in PEM form.
 * Added to a key with {@link ConfigDef.Builder#check(String, ConfigCheck...)}; the hub applies it wherever the
 * declaration validates ({@code POST .../validate}, creating, updating and starting an integration) and shows it in
 * the connector's JSON Schema, so an admin's form and the hub refuse the same values. A rule applies to a value that
 * is given (or defaulted) and of the key's type; a missing value is the business of {@code required}. For a list,
 * each element is checked.
 *
 * <p>Immutable and thread-safe; built while a plugin declares its connectors, applied by the hub on its worker
 * threads. Rules across keys belong in {@link Connector#validate(Config)}.
 *
 * @since 1.1
 */
public final class ConfigCheck {

    private final String description;
    private final Map<String, Object> schema;
    private final Function<Object, String> rule;
    /** The hub's catalogue entry of the rule's problem ({@code config.check.range}); the failing value comes last. */
    private final String code;
    private final List<Object> args;
    /** How a failing value is repeated in the problem (a URL without its password). */
    private Function<Object, Object> shownAs = Function.identity();

    private ConfigCheck(String description, Map<String, Object> schema, Function<Object, String> rule, String code,
                        Object... args) {
        this.description = description;
        this.schema = Map.copyOf(schema);
        this.rule = rule;
        this.code = code;
        this.args = java.util.Arrays.asList(args);
    }

    /**
     * A rule of a list as a whole, checked before its elements: null when it passes, else the message, the code and
     * the code's values.
     */
    private Function<Collection<?>, Object[]> whole = list -> null;

    /** This check with a rule of a list as a whole; set once, as it is built. */
    private ConfigCheck whole(Function<Collection<?>, Object[]> rule) {
        this.whole = rule;
        return this;
    }

    /** This check, its failing value repeated as {@code shown} makes it; set once, as it is built. */
    private ConfigCheck shownAs(Function<Object, Object> shown) {
        this.shownAs = shown;
        return this;
    }

    /** A number from {@code min} to {@code max}, both included (for INT, LONG and DOUBLE keys). */
    public static ConfigCheck range(double min, double max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("range: min " + min + " is above max " + max);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("minimum", number(min));
        schema.put("maximum", number(max));
        String what = "a number from " + plain(min) + " to " + plain(max);
        return new ConfigCheck(what, schema, v -> v instanceof Number n && n.doubleValue() >= min
            && n.doubleValue() <= max ? null : "must be " + what + "; was " + v, "config.check.range", plain(min),
            plain(max));
    }

    /** At least {@code min} (for INT, LONG and DOUBLE keys). */
    public static ConfigCheck atLeast(double min) {
        String what = "at least " + number(min);
        return new ConfigCheck(what, Map.of("minimum", number(min)),
            v -> v instanceof Number n && n.doubleValue() >= min ? null : "must be " + what + "; was " + v,
            "config.check.atLeast", number(min));
    }

    /** One of the given values, compared as written (for STRING keys, or each element of a LIST). */
    public static ConfigCheck oneOf(String... values) {
        List<String> allowed = List.of(values);
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("oneOf: give at least one value");
        }
        return new ConfigCheck("one of " + String.join(", ", allowed), Map.of("enum", allowed),
            v -> allowed.contains(String.valueOf(v)) ? null
                : "must be one of " + String.join(", ", allowed) + "; was '" + shown(v) + "'", "config.check.oneOf",
            String.join(", ", allowed));
    }

    /**
     * A string that matches {@code regex} as a whole.
     *
     * @param meaning what a matching value is, for the message ({@code "a member id: lower case letters..."})
     */
    public static ConfigCheck pattern(String regex, String meaning) {
        Pattern p = Pattern.compile(regex);
        Objects.requireNonNull(meaning, "meaning");
        return new ConfigCheck(meaning, Map.of("pattern", "^(?:" + regex + ")$"),
            v -> p.matcher(String.valueOf(v)).matches() ? null : "must be " + meaning + "; was '" + shown(v) + "'",
            "config.check.pattern", meaning);
    }

    /**
     * The id of a section of the city's page ({@link de.datenhafen.api.web.PublicSection#idProblem}), or empty for
     * none.
     *
     * @since 1.3
     */
    public static ConfigCheck publicSectionId() {
        return new ConfigCheck("a section id of the city's page (2 to 32 lower-case letters, digits or dashes, "
            + "starting with a letter, not one of the hub's own paths), or empty for none",
            Map.of("pattern", "^(?:|[a-z][a-z0-9-]{1,31})$"), v -> {
                String s = String.valueOf(v).trim();
                String problem = s.isEmpty() ? null : de.datenhafen.api.web.PublicSection.idProblem(s);
                return problem == null ? null : problem.replace("'" + s + "'", "'" + shown(s) + "'");
            }, "config.check.sectionId");
    }

    /** A string of {@code min} to {@code max} characters. */
    public static ConfigCheck length(int min, int max) {
        if (min < 0 || min > max) {
            throw new IllegalArgumentException("length: need 0 <= min <= max, not " + min + " and " + max);
        }
        String what = min == max ? min + " characters" : min + " to " + max + " characters";
        return new ConfigCheck(what, Map.of("minLength", min, "maxLength", max), v -> {
            int n = String.valueOf(v).length();
            return n >= min && n <= max ? null : "must be " + what + "; has " + n;
        }, min == max ? "config.check.lengthExactly" : "config.check.length", min, max);
    }

    /** The most characters a URL of {@link #url} has, as a flow's URLs. */
    public static final int MAX_URL_CHARS = 2000;

    /**
     * An absolute URL with one of the given schemes (lower case, e.g. {@code "https", "http"}) and a host, of at most
     * {@value #MAX_URL_CHARS} characters and without a user or password in it (since 1.14: a URL of a megabyte took
     * a route's start minutes of CPU, and a password in a URL was shown with the config to everyone who sees the
     * integration; credentials belong in a key of their own, declared secret). A refused URL's user and password are
     * not repeated in the problem.
     */
    public static ConfigCheck url(String... schemes) {
        List<String> allowed = List.of(schemes);
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("url: give at least one scheme");
        }
        String what = "a URL (" + String.join(", ", allowed) + ")";
        return new ConfigCheck(what, Map.of("format", "uri", "maxLength", MAX_URL_CHARS), v -> {
            String s = String.valueOf(v);
            if (s.length() > MAX_URL_CHARS) {
                return "must be " + what + " of at most " + MAX_URL_CHARS + " characters; has " + s.length();
            }
            try {
                URI u = new URI(s);
                String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
                boolean hostless = scheme != null && scheme.equals("file");
                if (u.getRawUserInfo() != null) {
                    return "must be " + what + " without a user or password in it (give them in a key of their own); "
                        + "was '" + shown(withoutUserInfo(s)) + "'";
                }
                if (scheme != null && allowed.contains(scheme) && (hostless || u.getHost() != null)) {
                    return null;
                }
            } catch (URISyntaxException e) {
                // answered below
            }
            return "must be " + what + "; was '" + shown(withoutUserInfo(s)) + "'";
        }, "config.check.url", String.join(", ", allowed)).shownAs(v -> withoutUserInfo(String.valueOf(v)));
    }

    /**
     * {@code url} with what stands between its "//" and its last "@" as ********: a password may hold "/", "?" or "#"
     * (a base64 token), so the "@" is looked for anywhere; a refused URL's "@" in its query is hidden with it, which
     * says too little rather than a secret.
     */
    private static String withoutUserInfo(String url) {
        int start = url.indexOf("//");
        int at = url.lastIndexOf('@');
        return start >= 0 && at > start + 1 ? url.substring(0, start + 2) + "********" + url.substring(at) : url;
    }

    /**
     * Certificates in PEM form, as {@link PemCertificates} reads them: the certificate of a private certificate
     * authority that a connection trusts instead of the JVM's trust store (for STRING keys). At most
     * {@value PemCertificates#MAX_CHARS} characters; a private key, another kind of PEM block, no certificate at all or
     * one that does not read as X.509 is refused, and the message never repeats the value. {@link Config#toString()}
     * shows such a value by its length only, so the hub's log lines do not carry it.
     *
     * @since 1.8
     */
    public static ConfigCheck pemCertificates() {
        return PEM_CERTIFICATES;
    }

    /** The one {@link #pemCertificates()} rule, so that {@link Config} knows the values it checks. */
    static final ConfigCheck PEM_CERTIFICATES;

    static {
        String what = "X.509 certificates in PEM form (-----BEGIN CERTIFICATE----- ...), at most "
            + PemCertificates.MAX_CHARS + " characters";
        PEM_CERTIFICATES = new ConfigCheck(what,
            Map.of("maxLength", PemCertificates.MAX_CHARS, "contentMediaType", "application/pem-certificate-chain"),
            v -> {
                String problem = PemCertificates.problem(String.valueOf(v), "the value");
                return problem == null ? null : "must be " + what + "; " + problem;
            }, "config.check.pem", PemCertificates.MAX_CHARS);
    }

    /** A duration from {@code min} to {@code max}, both included (for DURATION keys). */
    public static ConfigCheck between(Duration min, Duration max) {
        if (min.compareTo(max) > 0) {
            throw new IllegalArgumentException("between: min " + min + " is above max " + max);
        }
        String what = "a duration from " + min + " to " + max;
        return new ConfigCheck(what, Map.of("x-minDuration", min.toString(), "x-maxDuration", max.toString()),
            v -> v instanceof Duration d && d.compareTo(min) >= 0 && d.compareTo(max) <= 0 ? null
                : "must be " + what + "; was " + v, "config.check.between", shown(min), shown(max));
    }

    /** A time zone id Java knows, such as {@code Europe/Berlin} (for STRING keys). */
    public static ConfigCheck timeZone() {
        return new ConfigCheck("a time zone such as Europe/Berlin", Map.of(), v -> {
            try {
                ZoneId.of(String.valueOf(v));
                return null;
            } catch (DateTimeException e) {
                return "must be a time zone such as Europe/Berlin; was '" + shown(v) + "'";
            }
        }, "config.check.timeZone");
    }

    /**
     * The event types a connector follows (for LIST keys), as {@link BusConsumerEndpoint#of} takes them: each an event
     * type or a pattern ending in {@code *} ({@code air.reading}, {@code air.*}, {@code *}), together at most
     * {@value BusConsumerEndpoint#MAX_TYPES_CHARS} characters (what one subscription keeps). Without it a type the bus
     * refuses was taken and the integration failed at its start.
     *
     * @since 1.14
     */
    public static ConfigCheck eventTypes() {
        return EVENT_TYPES;
    }

    private static final ConfigCheck EVENT_TYPES = new ConfigCheck("event types or patterns such as air.reading, air.*",
        Map.of("pattern", "^(?:" + BusConsumerEndpoint.TYPE.pattern() + ")$"), v -> BusConsumerEndpoint.TYPE
            .matcher(String.valueOf(v)).matches() ? null : "must be an event type or a pattern ending in * (air.reading, "
            + "air.*); was '" + shown(v) + "'", "config.check.eventType").whole(list -> {
                int chars = String.join(",", list.stream().map(String::valueOf).toList()).length();
                return chars <= BusConsumerEndpoint.MAX_TYPES_CHARS ? null : new Object[] {"must be event types of "
                    + "at most " + BusConsumerEndpoint.MAX_TYPES_CHARS + " characters together (a comma between two); "
                    + "have " + chars, "config.check.eventTypesLength", BusConsumerEndpoint.MAX_TYPES_CHARS, chars};
            });

    /** What the rule asks for, in words ({@code a number from 1 to 65535}). */
    public String description() {
        return description;
    }

    /** The JSON Schema keywords that say the same, for the key's property in the connector's schema. */
    public Map<String, Object> schema() {
        return schema;
    }

    /**
     * What is wrong with {@code value} (already of the key's type), or null when it passes. A list is checked element
     * by element and the first bad one is named.
     */
    public String problem(Object value) {
        ConfigProblem p = problemOf("value", value, false);
        return p == null ? null : p.message();
    }

    /**
     * The problem of {@code field}'s {@code value}, or null: the rule's words and its code with the failing value
     * (shortened) last; of a {@code secret} key without the value, which must not appear in an answer or a log.
     */
    ConfigProblem problemOf(String field, Object value, boolean secret) {
        Object failing = value;
        String message = null;
        if (value instanceof Collection<?> list) {
            Object[] all = whole.apply(list);
            if (all != null) {
                return ConfigProblem.coded(field, (String) all[0], (String) all[1],
                    java.util.Arrays.copyOfRange(all, 2, all.length));
            }
            for (Object element : list) {
                message = rule.apply(element);
                if (message != null) {
                    failing = element;
                    break;
                }
            }
        } else {
            message = rule.apply(value);
        }
        if (message == null) {
            return null;
        }
        if (secret) {
            return ConfigProblem.coded(field, "must be " + description + " (the value is secret and not shown)",
                "config.check.secret", description);
        }
        List<Object> values = new java.util.ArrayList<>(args);
        if (this != PEM_CERTIFICATES) { // its value may be a private key pasted by mistake: never repeated
            values.add(failing instanceof Duration d ? shown(d) : failing instanceof Number ? failing
                : shown(shownAs.apply(failing)));
        }
        return ConfigProblem.coded(field, message, code, values.toArray());
    }

    @Override
    public String toString() {
        return description;
    }

    /** A bound as a person writes it: {@code 0.0001}, not {@code 1.0E-4}; a whole number without a fraction. */
    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d)
            : java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static Object number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
    }

    /** A duration as the hub's config takes it ({@code 2h}, {@code 90s}, {@code 500ms}), not as {@code PT2H}. */
    private static String shown(Duration d) {
        return ConfigType.durationText(d);
    }

    private static String shown(Object v) {
        String s = String.valueOf(v);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
