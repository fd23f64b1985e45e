package de.datenhafen.core.flow;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Utils;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The bounds of one evaluation of a flow's expression, checked as com.dashjoin's evaluator begins and ends each
 * evaluation step (its entry and exit callbacks, in place of its own time box, {@code Timebox}), and as each of its
 * built-in functions returns:
 * <ul>
 * <li>time and depth as each step begins and ends ({@link Expression#TIME_LIMIT_MS}, {@link Expression#MAX_DEPTH}).
 * The depth is the true nesting of the steps: the library's time box lost count after an array of two or more items,
 * and so refused {@code $map([1..300], function($v) {[$v, $v]})} as a recursion.</li>
 * <li>Each value a step or a built-in function makes, before anything walks it. A range {@code [1..n]} is lazy in
 * com.dashjoin, so {@code $map([1..12000], function($v) {[1..12000]})} is made at once and holds 144 million numbers,
 * which the library's post-processing ({@code Utils.convertNulls}, after the evaluation and its time box), the hub's
 * copy and the JSON writer would walk for minutes, or until the heap was gone. A value's size is its array elements,
 * object fields and characters of text at every level, so a value held many times inside another counts each time;
 * it is refused past {@link #valueLimit} ({@link Expression#MAX_VALUE}, or twice the data the expression reads where
 * that is more: an aggregate's) or nested deeper than {@link Expression#MAX_NESTING}. The count stops at the limit,
 * so it costs at most that much, and it is kept for a large array or object, so the same one seen again costs
 * nothing.</li>
 * <li>What a path step or an array constructor gathers from its parts, as each part is made: the library flattens a
 * step's results (or appends an array's items) only when all are made, so {@code [1..300].$r} with a range of
 * 100,000 in {@code $r} would copy 30 million numbers before the path's own value could be counted.</li>
 * <li>All values made, together: a range, array or object of {@value #TRACKED} or more elements, or a text of as many
 * characters, counts its own size the first time a step or function makes or reaches it, and all together may be at
 * most twice the value limit ({@link #madeLimit}), so a loop that copies a large value over and over ({@code $append},
 * {@code &}) ends long before the heap does. The data the expression reads is not charged: when a limit is near, it is
 * counted once and what was charged for its parts is given back. Smaller values are bounded by the time limit, as
 * each step is.</li>
 * </ul>
 * A refusal is thrown as a JSONata error (the boolean operators replace any other kind of exception with their own)
 * and kept here: {@link #refusal} says why, wherever the library wrapped or swallowed the error.
 *
 * <p>A result that no step's end sees is that of a function called in tail position (the library applies it in its
 * trampoline, after the calling step ended) or passed to another function ({@code $map(xs, $string)}): so the
 * built-in functions are registered on each expression as {@link #checkResults wrappers} that check what they return.
 * The kept counts stay true while nothing changes a value after it was made; com.dashjoin's transform operator
 * ({@code | pattern | update, delete |}) does, in its copy, right after each update and delete step, and the kept
 * counts are dropped then ({@link Tree#changingSteps}).
 *
 * <p>com.dashjoin's callback interfaces name a type of its parser that is not public, so the callbacks are one
 * {@link Proxy} of those (public) interfaces, which calls the bounds of the evaluation running on its thread. One
 * instance per evaluation, on one thread.
 */
final class EvaluationBounds {

    /** Ranges, arrays, objects and texts from this size on count in the total once each, and their counts are kept. */
    static final int TRACKED = 16;

    /** How many elements a count visits between two looks at the clock. */
    private static final int CLOCK_EVERY = 4096;

    /** In {@link #seen}: a text or range charged, and a text of the data (not charged). */
    private static final Object TEXT = new Object();
    private static final Object DATA_TEXT = new Object();

    /** The evaluation running on this thread, for the callbacks and the checked built-in functions. */
    private static final ThreadLocal<EvaluationBounds> CURRENT = new ThreadLocal<>();

    /** The step callbacks of every evaluation: they call the bounds of the evaluation running on their thread. */
    private static final Object CALLBACKS = Proxy.newProxyInstance(Jsonata.class.getClassLoader(),
        new Class<?>[] {Jsonata.EntryCallback.class, Jsonata.ExitCallback.class}, new Callbacks());

    /**
     * What the bounds need to know of an expression's parse tree (found by {@link FlowRegex}'s walk): the steps after
     * which values are changed in place, and for each part of a path step or an array constructor what gathers it.
     */
    record Tree(Set<Object> changingSteps, Map<Object, Object> gatherers) {
    }

    /**
     * A kept count of a large array or object: its size and height, valid in one generation of the counts, or always
     * for the data the expression reads, which nothing changes (a transform changes its own copy); and what it was
     * charged in the total.
     */
    private static final class Count {
        final long size;
        final int height;
        final boolean data;
        final long charged;
        int generation;

        Count(long size, int height, boolean data, long charged, int generation) {
            this.size = size;
            this.height = height;
            this.data = data;
            this.charged = charged;
            this.generation = generation;
        }
    }

    private final CpuBudget time;
    private final Object data;
    private final Tree tree;

    /** Tracked values seen: a {@link Count} for an array or object, else {@link #TEXT} or {@link #DATA_TEXT}. */
    private final IdentityHashMap<Object, Object> seen = new IdentityHashMap<>();
    /** The arrays and objects a count has open, reused. */
    private final ArrayDeque<Open> open = new ArrayDeque<>();
    /** What the step begun at each depth has gathered from its parts so far, per path step or array; mostly null. */
    private Object[] gathered = new Object[16];
    private int depth;
    private int generation;
    private boolean changed;
    private long made;
    private long dataSize = -1; // -1: not counted (yet)
    private long visits;
    private int flatHeight; // the height of the value flatSize counted last
    private String refusal;

    /**
     * @param time the evaluation's time limit, in CPU time of this thread
     * @param data the data the expression reads
     * @param tree what the bounds need of the expression's parse tree
     */
    EvaluationBounds(CpuBudget time, Object data, Tree tree) {
        this.time = time;
        this.data = data;
        this.tree = tree;
    }

    /**
     * Binds the callbacks in {@code frame}, the frame the evaluation is given, and runs {@code evaluation} with these
     * bounds on this thread's callbacks and checked functions.
     */
    <T> T during(Jsonata.Frame frame, Supplier<T> evaluation) {
        frame.setEvaluateEntryCallback((Jsonata.EntryCallback) CALLBACKS);
        frame.setEvaluateExitCallback((Jsonata.ExitCallback) CALLBACKS);
        EvaluationBounds before = CURRENT.get();
        CURRENT.set(this);
        try {
            return evaluation.get();
        } finally {
            CURRENT.set(before);
        }
    }

    /** Why the evaluation went past a bound, or null. */
    String refusal() {
        return refusal;
    }

    /** The most elements and characters one value may hold: {@link Expression#MAX_VALUE}, or twice the data's. */
    long valueLimit() {
        return Math.max(Expression.MAX_VALUE, 2 * Math.max(dataSize, 0));
    }

    /** The most elements and characters all values made may hold together. */
    long madeLimit() {
        return 2 * valueLimit();
    }

    /** A bound's refusal inside the library: a JSONata error, which no operator replaces with its own. */
    static final class Refused extends JException {
        Refused(String text) {
            super(text, -1);
        }

        @Override
        public String getMessage() {
            return getError();
        }
    }

    // ---- the built-in functions

    private static final Field STATIC_FRAME;
    private static final Field ENVIRONMENT;
    private static final Field BINDINGS;
    private static final Field[] FUNCTION_FIELDS;

    static {
        try {
            STATIC_FRAME = Jsonata.class.getDeclaredField("staticFrame");
            ENVIRONMENT = Jsonata.class.getDeclaredField("environment");
            BINDINGS = Jsonata.Frame.class.getDeclaredField("bindings");
            FUNCTION_FIELDS = new Field[] {Jsonata.JFunction.class.getDeclaredField("signature"),
                Jsonata.JFunction.class.getDeclaredField("method"),
                Jsonata.JFunction.class.getDeclaredField("methodInstance"),
                Jsonata.JFunction.class.getDeclaredField("functionName")};
            for (Field f : new Field[] {STATIC_FRAME, ENVIRONMENT, BINDINGS}) {
                f.setAccessible(true);
            }
            for (Field f : FUNCTION_FIELDS) {
                f.setAccessible(true);
            }
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("com.dashjoin JSONata's functions are not where EvaluationBounds "
                + "looks for them: " + e);
        }
    }

    /**
     * Registers on {@code compiled}, in place of each built-in function (and of those registered on it already, the
     * regex functions), one that checks the value the function returns, as the end of a step does.
     */
    static void checkResults(Jsonata compiled) {
        Map<String, Object> functions = new LinkedHashMap<>();
        try {
            functions.putAll(bindings(STATIC_FRAME.get(null)));
            functions.putAll(bindings(ENVIRONMENT.get(compiled)));
            for (Map.Entry<String, Object> f : functions.entrySet()) {
                if (f.getValue() instanceof Jsonata.JFunction original) {
                    Jsonata.JFunction checked = new Jsonata.JFunction((input, args) -> {
                        Object result = original.call(input, args);
                        EvaluationBounds bounds = CURRENT.get();
                        if (bounds != null) {
                            bounds.step();
                            bounds.check(result);
                        }
                        return result;
                    }, null);
                    for (Field field : FUNCTION_FIELDS) { // its signature (arguments' checks, arity) and name
                        field.set(checked, field.get(original));
                    }
                    compiled.registerFunction(f.getKey(), checked);
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the expression's functions could not be bounded: " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> bindings(Object frame) throws IllegalAccessException {
        return frame == null ? Map.of() : (Map<String, Object>) BINDINGS.get(frame);
    }

    // ---- the steps

    /** com.dashjoin's entry and exit callbacks, for the evaluation running on the calling thread. */
    private static final class Callbacks implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "flow expression bounds";
                };
            }
            EvaluationBounds bounds = CURRENT.get();
            if (bounds != null) {
                if (args.length == 3) {
                    bounds.began();
                } else {
                    bounds.ended(args[0], args[3]);
                }
            }
            return null;
        }
    }

    private void began() {
        step();
        if (depth + 1 > Expression.MAX_DEPTH) {
            refuse("the expression nests deeper than " + Expression.MAX_DEPTH
                + " evaluations (an unbounded recursion?)");
        }
        depth++;
        if (depth >= gathered.length) {
            gathered = Arrays.copyOf(gathered, Math.min(2 * gathered.length, Expression.MAX_DEPTH + 2));
        }
        gathered[depth] = null;
    }

    private void ended(Object step, Object result) {
        step();
        if (depth > 0) {
            gathered[depth] = null;
            depth--;
        }
        long size = check(result);
        if (size > 0 && depth > 0 && !tree.gatherers().isEmpty()) {
            Object gatherer = tree.gatherers().get(step);
            if (gatherer != null) {
                gather(gatherer, size);
            }
        }
        if (!tree.changingSteps().isEmpty() && tree.changingSteps().contains(step)) {
            changed = true; // the library changes the transform's copy now, before the next step
        }
    }

    /** Adds a part's size to what the step at the current depth gathers for {@code gatherer} (path step, array). */
    @SuppressWarnings("unchecked")
    private void gather(Object gatherer, long size) {
        IdentityHashMap<Object, long[]> sums = (IdentityHashMap<Object, long[]>) gathered[depth];
        if (sums == null) {
            sums = new IdentityHashMap<>(4);
            gathered[depth] = sums;
        }
        long[] sum = sums.computeIfAbsent(gatherer, g -> new long[1]);
        sum[0] += size;
        limit(sum[0]);
    }

    private void step() {
        if (refusal != null) {
            throw new Refused(refusal); // the library swallowed the refusal
        }
        if (changed) {
            generation++;
            changed = false;
        }
        clock();
    }

    private void clock() {
        if (time.spent()) {
            String stoppedBy = time.stoppedBy();
            refuse(stoppedBy != null ? "the expression was stopped: " + stoppedBy : "the expression ran longer than "
                + Expression.TIME_LIMIT_MS + " ms of CPU time (a loop without end?)");
        }
    }

    private void refuse(String why) {
        if (refusal == null) {
            refusal = why;
        }
        throw new Refused(refusal);
    }

    /**
     * Checks a value a step or a function made, and the result of the evaluation before the library walks it; returns
     * its size.
     */
    long check(Object value) {
        if (value instanceof String s) {
            if (s.length() > valueLimit() && countData() && s.length() > valueLimit()) {
                refuse("the expression made a text of " + s.length() + " characters; a value has at most "
                    + valueLimit() + " elements and characters");
            }
            charge(s, s.length());
            return s.length();
        }
        if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
            return size(value);
        }
        return 0;
    }

    // ---- counting

    /** One array or object being counted: its elements still to count, where its size starts, its height. */
    private static final class Open {
        final Object container;
        final Iterator<?> elements;
        final long start;
        int height = 1;

        Open(Object container, long start) {
            this.container = container;
            this.elements = elements(container);
            this.start = start;
        }
    }

    private static Iterator<?> elements(Object container) {
        return container instanceof Map<?, ?> m ? m.entrySet().iterator() : ((Collection<?>) container).iterator();
    }

    private static int count(Object container) {
        return container instanceof Map<?, ?> m ? m.size() : ((Collection<?>) container).size();
    }

    /**
     * The size of an array or object: elements, fields and characters at every level (a field's name included),
     * counted without recursion and with a stop at the limit; refuses a value past the limits.
     */
    private long size(Object root) {
        if (root instanceof Utils.RangeList range) {
            limit(range.size());
            charge(range, range.size());
            return range.size();
        }
        Count kept = kept(root);
        if (kept != null) {
            return kept.size;
        }
        if (count(root) < TRACKED) {
            long flat = flatSize(root);
            if (flat >= 0) {
                return flat;
            }
        }
        long total = 0;
        long cap = valueLimit();
        open.clear();
        open.push(new Open(root, 0));
        while (!open.isEmpty()) {
            Open o = open.peek();
            if (!o.elements.hasNext()) {
                open.pop();
                closed(o.container, total - o.start, o.height);
                if (!open.isEmpty()) {
                    open.peek().height = Math.max(open.peek().height, o.height + 1);
                }
                continue;
            }
            Object element = o.elements.next();
            if (element instanceof Map.Entry<?, ?> field) {
                total += field.getKey() instanceof String name ? name.length() : 0;
                element = field.getValue();
            }
            total++;
            if (element instanceof String s) {
                total += s.length();
                charge(s, s.length());
            } else if (element instanceof Utils.RangeList range) {
                total += range.size(); // numbers, made as they are read: nothing to walk
                o.height = Math.max(o.height, 2);
                charge(range, range.size());
            } else if (element instanceof Collection<?> || element instanceof Map<?, ?>) {
                Count c = kept(element);
                long flat = c == null && count(element) < TRACKED ? flatSize(element) : -1;
                if (c != null) {
                    total += c.size;
                    o.height = Math.max(o.height, c.height + 1);
                } else if (flat >= 0) { // a small object of plain values, say: counted without opening it
                    total += flat;
                    o.height = Math.max(o.height, flatHeight + 1);
                } else {
                    if (open.size() >= Expression.MAX_NESTING) {
                        refuseNesting();
                    }
                    open.push(new Open(element, total));
                    continue;
                }
            }
            if (open.size() - 1 + o.height > Expression.MAX_NESTING) {
                refuseNesting();
            }
            if (total > cap) {
                limit(total);
                cap = valueLimit();
            }
            if (++visits % CLOCK_EVERY == 0) {
                clock();
            }
        }
        return total;
    }

    /**
     * The size of a small array or object whose elements are all plain values, texts, ranges or arrays and objects
     * with kept counts (a step's sequence of one, an object of a few fields), counted without the walk; or -1.
     */
    private long flatSize(Object container) {
        long total = 0;
        int height = 1;
        for (Iterator<?> i = elements(container); i.hasNext(); ) {
            Object element = i.next();
            if (element instanceof Map.Entry<?, ?> field) {
                total += field.getKey() instanceof String name ? name.length() : 0;
                element = field.getValue();
            }
            total++;
            if (element instanceof String s) {
                total += s.length();
                charge(s, s.length());
            } else if (element instanceof Utils.RangeList range) {
                total += range.size();
                height = Math.max(height, 2);
                charge(range, range.size());
            } else if (element instanceof Collection<?> || element instanceof Map<?, ?>) {
                Count c = kept(element);
                if (c == null) {
                    return -1;
                }
                total += c.size;
                height = Math.max(height, c.height + 1);
            }
        }
        if (height > Expression.MAX_NESTING) {
            refuseNesting();
        }
        limit(total);
        flatHeight = height;
        return total;
    }

    private void limit(long size) {
        if (size > valueLimit() && countData() && size > valueLimit()) {
            refuse("the expression made a value of more than " + valueLimit() + " elements and characters "
                + "(array elements, object fields and their text, at every level); at most " + valueLimit()
                + " are allowed");
        }
    }

    /** The kept count of an array or object, if it is tracked and its count still holds. */
    private Count kept(Object container) {
        Object k = seen.get(container);
        return k instanceof Count c && (c.data || c.generation == generation) ? c : null;
    }

    /**
     * An array or object counted whole: if it is large, its count kept and, the first time, charged; if it is deep,
     * its count kept. A small and shallow one is counted again when it is seen again, which costs little (the counts
     * of its large or deep parts are kept).
     */
    private void closed(Object container, long size, int height) {
        int elements = count(container);
        if (elements < TRACKED && height < TRACKED) {
            return;
        }
        Object before = seen.get(container);
        if (before instanceof Count c && (c.data || c.size == size && c.height == height)) {
            c.generation = generation;
            return;
        }
        long charged = before instanceof Count c ? c.charged : elements >= TRACKED ? elements : 0;
        seen.put(container, new Count(size, height, false, charged, generation));
        if (before == null && charged > 0) {
            made += charged;
            limitMade();
        }
    }

    /** Counts a text or range in the total the first time it is seen. */
    private void charge(Object value, long size) {
        if (size >= TRACKED && !seen.containsKey(value)) {
            seen.put(value, TEXT);
            made += size;
            limitMade();
        }
    }

    private void limitMade() {
        if (made > madeLimit() && countData() && made > madeLimit()) {
            refuse("the expression made more than " + madeLimit() + " elements and characters in all (each "
                + "range, array, object and text of " + TRACKED + " or more counted once); at most "
                + madeLimit() + " are allowed");
        }
    }

    private void refuseNesting() {
        refuse("the expression made a value nested deeper than " + Expression.MAX_NESTING + " levels; at most "
            + Expression.MAX_NESTING + " are allowed");
    }

    /**
     * Counts the data the expression reads, once, when a limit is near: its size raises the value limit where it is
     * large (an aggregate's), its large arrays and objects keep their counts for good, and what was charged for its
     * parts is given back, since the data was there before the expression ran. Returns true, to sit in conditions.
     */
    private boolean countData() {
        if (dataSize >= 0) {
            return true;
        }
        dataSize = 0;
        if (data instanceof String s) {
            dataText(s);
            dataSize = s.length();
        } else if (data instanceof Collection<?> || data instanceof Map<?, ?>) {
            dataSize = dataSize(data);
        }
        return true;
    }

    private void dataText(String s) {
        if (s.length() >= TRACKED) {
            if (seen.put(s, DATA_TEXT) == TEXT) {
                made -= s.length();
            }
        }
    }

    /** The data's size, counted whole (it is in memory already) but under the clock and without recursion. */
    private long dataSize(Object root) {
        ArrayDeque<Open> dataOpen = new ArrayDeque<>(); // a count of a value may be open
        long total = 0;
        dataOpen.push(new Open(root, 0));
        while (!dataOpen.isEmpty()) {
            Open o = dataOpen.peek();
            if (!o.elements.hasNext()) {
                dataOpen.pop();
                long size = total - o.start;
                if (seen.get(o.container) instanceof Count c) {
                    made -= c.charged;
                }
                if (count(o.container) >= TRACKED || size >= TRACKED * TRACKED) {
                    seen.put(o.container, new Count(size, o.height, true, 0, generation));
                }
                if (!dataOpen.isEmpty()) {
                    dataOpen.peek().height = Math.max(dataOpen.peek().height, o.height + 1);
                }
                continue;
            }
            Object element = o.elements.next();
            if (element instanceof Map.Entry<?, ?> field) {
                total += field.getKey() instanceof String name ? name.length() : 0;
                element = field.getValue();
            }
            total++;
            if (element instanceof String s) {
                total += s.length();
                dataText(s);
            } else if (element instanceof Collection<?> || element instanceof Map<?, ?>) {
                if (seen.get(element) instanceof Count c && c.data) { // held twice in the data
                    total += c.size;
                    o.height = Math.max(o.height, c.height + 1);
                } else {
                    if (dataOpen.size() >= Expression.MAX_NESTING) {
                        refuseNesting();
                    }
                    dataOpen.push(new Open(element, total));
                }
            }
            if (++visits % CLOCK_EVERY == 0) {
                clock();
            }
        }
        return total;
    }
}
