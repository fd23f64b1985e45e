package de.datenhafen.core.flow;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;
import java.util.Map;

/**
 * One JSONata expression of a flow, evaluated with bounds: at most {@link #TIME_LIMIT_MS} ms and
 * {@link #MAX_DEPTH} nested evaluations per run, no result string or array beyond {@link #MAX_ELEMENTS}
 * (of the result), and a result of at most {@link #MAX_RESULT_BYTES} bytes as JSON.
 * An expression past a bound fails its event with {@link LimitException}, which the flow's subscription retries and
 * then dead-letters with that reason; nothing else of the hub waits for it.
 *
 * <p>Time and depth are checked by com.dashjoin's time box as each evaluation step begins, so what allocates does so
 * for at most the time limit (a {@code $map} over a range of ten million stops there); one built-in call that is
 * already running (a {@code $pad} to a million characters) finishes first, and the size checks then refuse what it
 * made. Regular expressions, which run inside one call, check the same deadline as they read ({@link FlowRegex}), so
 * one that backtracks catastrophically ends at the limit too. A range is lazy in com.dashjoin, and an array result is counted before it is written. Inputs are events of
 * at most 1 MiB. Thread-safe: each run has its own frame.
 */
final class Expression {

    static final long TIME_LIMIT_MS = 1000;
    static final int MAX_DEPTH = 200;
    static final int MAX_ELEMENTS = 100_000;
    static final int MAX_RESULT_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String text;
    private final Jsonata compiled;

    Expression(String text) {
        this.text = text;
        this.compiled = Jsonata.jsonata(text);
        FlowRegex.install(compiled); // regexes under the same time limit (FlowRegex says how)
    }

    /** An expression or its evaluation went past a bound (time, depth, size). */
    static final class LimitException extends RuntimeException {
        LimitException(String message) {
            super(message);
        }
    }

    /** The variables a flow's expressions see besides the data: the event's attributes. */
    record Attributes(String type, String subject, String id, String time, String source) {
    }

    /**
     * Evaluates on {@code data} (Maps, Lists, Strings, Numbers, Booleans, null), with {@code $type},
     * {@code $subject}, {@code $id}, {@code $time} and {@code $source} bound.
     */
    Object evaluate(Object data, Attributes a) {
        Jsonata.Frame frame = compiled.createFrame();
        frame.bind("type", a.type());
        frame.bind("subject", a.subject());
        frame.bind("id", a.id());
        frame.bind("time", a.time());
        frame.bind("source", a.source());
        // com.dashjoin's time box: checks the time and the depth as each evaluation step begins
        frame.setRuntimeBounds(TIME_LIMIT_MS, MAX_DEPTH);
        Object result;
        try {
            result = FlowRegex.within(System.nanoTime() + TIME_LIMIT_MS * 1_000_000L,
                () -> compiled.evaluate(data, frame));
        } catch (LimitException e) {
            throw e;
        } catch (FlowRegex.Timeout e) {
            throw new LimitException(e.getMessage());
        } catch (StackOverflowError e) {
            throw new LimitException("the expression nests too deep (an unbounded recursion?)");
        } catch (RuntimeException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof FlowRegex.Timeout timeout) { // through a function's call of a lambda ($map, ...)
                    throw new LimitException(timeout.getMessage());
                }
            }
            String m = String.valueOf(e.getMessage());
            if (m.contains("timeout")) {
                throw new LimitException("the expression ran longer than " + TIME_LIMIT_MS
                    + " ms (a loop without end?)");
            }
            if (m.contains("Stack overflow")) {
                throw new LimitException("the expression nests deeper than " + MAX_DEPTH
                    + " evaluations (an unbounded recursion?)");
            }
            throw new IllegalArgumentException("the expression failed: " + m, e);
        }
        checkSize(result);
        return plain(result);
    }

    /** Evaluates and says whether the result is true as JSONata sees it. */
    boolean test(Object data, Attributes a) {
        Object r = evaluate(data, a);
        return r != null && Jsonata.boolize(r);
    }

    /**
     * A result as plain JSON values: JSONata's null marker as null, its sequences as lists, and a whole number
     * computed as a double ({@code $sum}) as a long, so {@code 3} stays {@code 3} on the bus.
     */
    static Object plain(Object value) {
        if (value == null || value == Jsonata.NULL_VALUE) {
            return null;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return out;
        }
        if (value instanceof Collection<?> c) {
            java.util.List<Object> out = new java.util.ArrayList<>(c.size());
            c.forEach(v -> out.add(plain(v)));
            return out;
        }
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15) {
            return d.longValue();
        }
        return value;
    }

    /** The result as JSON bytes, refused past {@link #MAX_RESULT_BYTES}. */
    static byte[] json(Object value) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(value == Jsonata.NULL_VALUE ? null : value);
            if (bytes.length > MAX_RESULT_BYTES) {
                throw new LimitException("the result has " + bytes.length + " bytes; an event's data has at most "
                    + MAX_RESULT_BYTES);
            }
            return bytes;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the result cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void checkSize(Object result) {
        if (result instanceof CharSequence s && s.length() > MAX_ELEMENTS * 10) {
            throw new LimitException("the expression made a string of " + s.length() + " characters; at most "
                + MAX_ELEMENTS * 10 + " are allowed");
        }
        if (result instanceof Collection<?> c && c.size() > MAX_ELEMENTS) {
            throw new LimitException("the expression made an array of " + c.size() + " elements; at most "
                + MAX_ELEMENTS + " are allowed");
        }
        if (result instanceof Map<?, ?> m && m.size() > MAX_ELEMENTS) {
            throw new LimitException("the expression made an object of " + m.size() + " fields; at most "
                + MAX_ELEMENTS + " are allowed");
        }
    }

    @Override
    public String toString() {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
