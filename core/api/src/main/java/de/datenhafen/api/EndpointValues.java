package de.datenhafen.api;

import java.util.regex.Pattern;

/**
 * A config value written into a Camel endpoint URI ({@code "timer:poll?period=" + ...}), passed as it is: as Camel's
 * {@code RAW(...)}, or {@code RAW{...}} when it holds a {@code )}. A config value is an admin's input and may be an
 * attacker's. Written plainly or URL-encoded, it is not passed as it is: Camel decodes an endpoint URI once before it
 * splits the options, so a value holding {@code %26exceptionHandler=#class:...} became an option of its own, and Camel
 * made the class it named (the hub refuses {@code #class:} in every endpoint now, but any other option, such as
 * {@code &period=1} on a poller, still gets through that way). {@code RAW} is read as one value.
 *
 * <pre>{@code
 * from("timer:" + ctx.integrationName() + "?period=" + EndpointValues.raw("period", config.getString("period")))
 * }</pre>
 *
 * <p>What no URI carries, even inside {@code RAW}: a value holding both {@code )} and a closing brace, line breaks (Camel
 * drops them silently), other control characters and spaces other than the plain one (the URI fails, and Camel's
 * message quotes it whole, secrets and all); and two opening braces, where Camel reads a property placeholder
 * (<code>{{env:NAME}}</code> put the hub's environment into the URI; the hub refuses every placeholder). {@link #problem} says so for a connector's {@code validate}, so the
 * config is refused naming its key before anything starts; {@link #raw} refuses such a value. A PEM certificate, of
 * which only the blocks are read, can go without them ({@link #withoutUncarriable}).
 *
 * <p>Stateless and thread-safe.
 *
 * @since 1.9
 */
public final class EndpointValues {

    /** Control characters, line breaks among them, and every space character but the plain one. */
    private static final Pattern UNCARRIABLE = Pattern.compile("[[\\x00-\\x1F\\x7F-\\x9F\\p{Z}]&&[^ ]]");

    private EndpointValues() {
    }

    /**
     * Why {@code value} cannot go into an endpoint URI as it is, as words to follow its name ("must not hold both ) and
     * }", "holds a character an endpoint URI cannot carry: ..."), or null when it can.
     */
    public static String problem(String value) {
        if (value.contains("{{")) {
            return "must not hold {{: Camel would read a property placeholder there";
        }
        if (value.contains(")") && value.contains("}")) {
            return "must not hold both ) and }";
        }
        if (UNCARRIABLE.matcher(value).find()) {
            return "holds a character an endpoint URI cannot carry: a line break, a tab, another control character or "
                + "a space other than the plain one";
        }
        return null;
    }

    /**
     * {@code value} as Camel's {@code RAW(...)}, or {@code RAW{...}} when it holds a {@code )}: the endpoint gets it as
     * it is.
     *
     * @param name what the value is, for the refusal ("period", "a bus consumer's subjectPrefix")
     * @throws IllegalArgumentException when the value cannot go as it is ({@link #problem}), naming {@code name} and
     *     never the value (it may be a secret)
     */
    public static String raw(String name, String value) {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(name + " " + problem);
        }
        return value.contains(")") ? "RAW{" + value + "}" : "RAW(" + value + ")";
    }

    /**
     * {@code value} without the characters no endpoint URI carries ({@link #problem}): for a value of which they are
     * no part, such as a PEM certificate ({@link PemCertificates} reads its blocks' base64 without white space).
     */
    public static String withoutUncarriable(String value) {
        return UNCARRIABLE.matcher(value).replaceAll("");
    }
}
