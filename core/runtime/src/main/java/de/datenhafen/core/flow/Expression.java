package de.datenhafen.core.flow;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.datenhafen.core.bus.PermanentFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * One JSONata expression of a flow, evaluated with bounds: at most {@link #TIME_LIMIT_MS} ms of CPU time
 * ({@link CpuBudget}: a busy machine does not stop a legitimate evaluation) and
 * {@link #MAX_DEPTH} nested evaluations per run; every value a step makes at most {@link #MAX_VALUE} array elements,
 * object fields and characters at all levels together (or twice the data it reads, if more) and nested at most
 * {@link #MAX_NESTING} levels deep, and all values it makes together at most twice that; no result string or array
 * beyond {@link #MAX_ELEMENTS} (of the result), and a result of at most {@link #MAX_RESULT_BYTES} bytes as JSON.
 * An expression past a bound fails its event with {@link LimitException}, which the flow's subscription retries and
 * then dead-letters with that reason; nothing else of the hub waits for it.
 *
 * <p>Time, depth and the values' sizes are checked by {@link EvaluationBounds} as each evaluation step begins and
 * ends, so what allocates does so for at most the time limit (a {@code $map} over a range of ten million stops there);
 * one built-in call that is already running (a {@code $pad} to a million characters) finishes first, and the size
 * checks then refuse what it made. Regular expressions, which run inside one call, check the same time limit as they
 * read ({@link FlowRegex}), so one that backtracks catastrophically ends at the limit too. A range is lazy in
 * com.dashjoin: {@code $map([1..12000], function($v) {[1..12000]})} is made at once and holds 144 million numbers,
 * so each value is counted, nested ones included, as the step that made it ends, and refused before com.dashjoin's
 * own post-processing, the copy ({@link #plain}) or the JSON writer ({@link #json}, which stops at its limit) walk it.
 * Inputs are events of at most 1 MiB. Thread-safe: each run has its own frame.
 */
final class Expression {

    static final long TIME_LIMIT_MS = 1000;
    static final int MAX_DEPTH = 200;
    static final int MAX_ELEMENTS = 100_000;
    static final int MAX_RESULT_BYTES = 1024 * 1024;
    /**
     * Array elements, object fields (their names' characters too) and characters of text that one value may hold at
     * all levels: as many as 1 MiB of JSON can hold at most, since each takes a byte there at least, so a value past
     * it could not be an event's data anyway. Where the data the expression reads is larger (an aggregate's list of
     * events), twice the data's.
     */
    static final long MAX_VALUE = MAX_RESULT_BYTES;
    /**
     * Levels a value may nest. The copy, com.dashjoin's post-processing and Jackson's writer recurse once or more a
     * level: Jackson's writer overflowed the hub's thread stacks of 512 KiB ({@code -Xss512k}) at 850 levels, so a
     * quarter of its own limit (1000), far below that, and far above what any event nests.
     */
    static final int MAX_NESTING = 256;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String text;
    private final Jsonata compiled;
    private final EvaluationBounds.Tree tree;

    Expression(String text) {
        this.text = text;
        this.compiled = Jsonata.jsonata(text);
        FlowRegex.install(compiled); // regexes under the same time limit (FlowRegex says how)
        EvaluationBounds.checkResults(compiled); // what each function returns is checked as a step's value is
        this.tree = FlowRegex.tree(compiled);
    }

    /**
     * An expression or its evaluation went past a bound (time, depth, size): on the same event it would again, so its
     * subscription dead-letters the event at once ({@link PermanentFailure}).
     */
    static final class LimitException extends RuntimeException implements PermanentFailure {
        LimitException(String message) {
            super(message);
        }
    }

    /** The expression cannot be evaluated on this event (JSONata's error): on the same event it could not again. */
    static final class EvaluationException extends IllegalArgumentException implements PermanentFailure {
        EvaluationException(String message, Throwable cause) {
            super(message, cause);
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
        return evaluate(data, a, null);
    }

    /**
     * Evaluates as {@link #evaluate(Object, Attributes)} within what is left of the event's share of CPU time too
     * ({@link EventBudget}; null: this evaluation's own limit alone), and takes what it spent off that share.
     */
    Object evaluate(Object data, Attributes a, EventBudget event) {
        if (event != null) {
            event.begin(TIME_LIMIT_MS * 1_000_000L); // within a second of its end, the CPU clock decides what is left
            if (event.leftNanos() <= 0) {
                throw new LimitException("the expression was not run: " + event.why());
            }
        }
        CpuBudget time = new CpuBudget(TIME_LIMIT_MS * 1_000_000L, event);
        try {
            return evaluateWithin(data, a, time);
        } finally {
            if (event != null) {
                event.spend(time.usedNanos());
            }
        }
    }

    private Object evaluateWithin(Object data, Attributes a, CpuBudget time) {
        Jsonata.Frame frame = compiled.createFrame();
        frame.bind("type", a.type());
        frame.bind("subject", a.subject());
        frame.bind("id", a.id());
        frame.bind("time", a.time());
        frame.bind("source", a.source());
        // time, depth and sizes, checked as each evaluation step begins and ends (in place of com.dashjoin's time box)
        EvaluationBounds bounds = new EvaluationBounds(time, data, tree);
        Object result;
        try {
            result = bounds.during(frame, () -> FlowRegex.within(time, () -> compiled.evaluate(data, frame)));
        } catch (LimitException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new LimitException("the expression nests too deep (an unbounded recursion?)");
        } catch (RuntimeException e) {
            if (bounds.refusal() != null) { // however the library wrapped it
                throw new LimitException(bounds.refusal());
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof FlowRegex.Timeout timeout) { // also through a function's call of a lambda ($map...)
                    throw new LimitException(timeout.getMessage());
                }
            }
            throw new EvaluationException("the expression failed: " + e.getMessage(), e);
        }
        if (bounds.refusal() != null) { // the library swallowed it
            throw new LimitException(bounds.refusal());
        }
        checkSize(result);
        return plain(result, bounds.valueLimit());
    }

    /** Evaluates and says whether the result is true as JSONata sees it. */
    boolean test(Object data, Attributes a, EventBudget event) {
        Object r = evaluate(data, a, event);
        return r != null && Jsonata.boolize(r);
    }

    /**
     * A result as plain JSON values: JSONata's null marker as null, its sequences as lists, and a whole number
     * computed as a double ({@code $sum}) as a long, so {@code 3} stays {@code 3} on the bus. The copy stops past
     * {@code limit} array elements and object fields at all levels, or {@link #MAX_NESTING} levels: the bounds
     * checked the result already, and the copy stays bounded by itself.
     */
    static Object plain(Object value, long limit) {
        return plain(value, new long[] {limit}, limit, 0);
    }

    private static Object plain(Object value, long[] left, long limit, int depth) {
        if (value == null || value == Jsonata.NULL_VALUE) {
            return null;
        }
        if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
            left[0] -= value instanceof Map<?, ?> m ? m.size() : ((Collection<?>) value).size();
            if (left[0] < 0 || depth >= MAX_NESTING) {
                throw new LimitException("the result has more than " + limit + " elements or nests deeper than "
                    + MAX_NESTING + " levels; at most " + limit + " and " + MAX_NESTING + " are allowed");
            }
        }
        // loops, not forEach with a lambda: one frame a level, so a result as deep as allowed fits the hub's stacks
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), plain(e.getValue(), left, limit, depth + 1));
            }
            return out;
        }
        if (value instanceof Collection<?> c) {
            java.util.List<Object> out = new java.util.ArrayList<>(c.size());
            for (Object v : c) {
                out.add(plain(v, left, limit, depth + 1));
            }
            return out;
        }
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15) {
            return d.longValue();
        }
        return value;
    }

    /**
     * The result as JSON bytes, refused past {@link #MAX_RESULT_BYTES}: the writer stops there, so a larger result is
     * never written whole.
     */
    static byte[] json(Object value) {
        Bounded out = new Bounded();
        try {
            JSON.writeValue(out, value == Jsonata.NULL_VALUE ? null : value);
            return out.bytes();
        } catch (Bounded.Full e) {
            throw new LimitException("the result has more than " + MAX_RESULT_BYTES
                + " bytes; an event's data has at most " + MAX_RESULT_BYTES);
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof Bounded.Full) {
                throw new LimitException("the result has more than " + MAX_RESULT_BYTES
                    + " bytes; an event's data has at most " + MAX_RESULT_BYTES);
            }
            throw new IllegalArgumentException("the result cannot be written as JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed: " + e, e);
        }
    }

    /** The bytes of {@link #json}, refused as they pass {@link #MAX_RESULT_BYTES}. */
    private static final class Bounded extends OutputStream {
        /** Thrown past the limit (an IOException, which Jackson passes on). */
        static final class Full extends IOException {
            Full() {
                super("more than " + MAX_RESULT_BYTES + " bytes", null);
            }
        }

        private byte[] buf = new byte[256];
        private int count;

        @Override
        public void write(int b) throws IOException {
            room(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            room(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void room(int len) throws Full {
            if ((long) count + len > MAX_RESULT_BYTES) {
                throw new Full();
            }
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(MAX_RESULT_BYTES, Math.max(2L * buf.length, count + len)));
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, count);
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
