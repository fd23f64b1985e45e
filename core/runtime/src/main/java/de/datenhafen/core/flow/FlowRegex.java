package de.datenhafen.core.flow;

import com.dashjoin.jsonata.Functions;
import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Utils;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Regular expressions in a flow's JSONata, evaluated under the expression's time limit. A regular expression that
 * backtracks catastrophically ({@code $contains(s, /(.*a){30}/)} on 29 {@code a}s; Java's engine copes with the
 * textbook {@code (a+)+$} by itself) runs inside one built-in call, which the time box ({@link EvaluationBounds},
 * checked as each evaluation step begins and ends) cannot interrupt, and Java's regex engine has no time-out of its
 * own. So in a flow's expression:
 * <ul>
 * <li>each regex literal of the compiled expression becomes a {@link Literal}, which only the functions below take:
 * the library's own regex paths (a regex applied as a function, {@code /re/("x")} or {@code "x" ~> /re/}) find no
 * {@link Pattern} and fail the event with "not a function", instead of running unbounded;</li>
 * <li>{@code $match}, {@code $contains}, {@code $replace} and {@code $split} are ours, registered on the expression in
 * place of the built-ins, and match over a {@link CharSequence} that checks the evaluation's time limit every
 * {@value #CHECK_EVERY} characters the engine reads, so a run past the time limit ends there with {@link Timeout}.</li>
 * </ul>
 * The literals are found by walking the library's parse tree by reflection (its fields are package-private): a
 * newer com.dashjoin whose tree differs fails {@code FlowRegexTest} rather than running regexes unbounded, and
 * {@link #install} refuses an expression it could not walk.
 */
final class FlowRegex {

    /** Characters the engine reads between two looks at the clock: cheap, and far below a millisecond. */
    static final int CHECK_EVERY = 1024;

    private static final Class<?> SYMBOL;
    private static final Field AST;
    private static final Field UPDATE;
    private static final Field DELETE;
    private static final Field VALUE;
    private static final Field STEPS;
    private static final Field EXPRESSIONS;

    static {
        try {
            SYMBOL = Class.forName("com.dashjoin.jsonata.Parser$Symbol");
            AST = Jsonata.class.getDeclaredField("ast");
            AST.setAccessible(true);
            UPDATE = SYMBOL.getDeclaredField("update");
            UPDATE.setAccessible(true);
            DELETE = SYMBOL.getDeclaredField("delete");
            DELETE.setAccessible(true);
            VALUE = SYMBOL.getDeclaredField("value");
            VALUE.setAccessible(true);
            STEPS = SYMBOL.getDeclaredField("steps");
            STEPS.setAccessible(true);
            EXPRESSIONS = SYMBOL.getDeclaredField("expressions");
            EXPRESSIONS.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("com.dashjoin JSONata's parse tree is not where FlowRegex looks "
                + "for it: " + e);
        }
    }

    /** The time limit of the evaluation running on this thread, if one is. */
    private static final ThreadLocal<CpuBudget> DEADLINE = new ThreadLocal<>();

    private FlowRegex() {
    }

    /** A wrong call of one of the functions: a JSONata error (no operator rewraps it) whose message is the text. */
    static class Problem extends JException {
        Problem(String text) {
            super(text, -1);
        }

        @Override
        public String getMessage() {
            return getError(); // not the library's "JSonataException <code>" for a code it does not know
        }
    }

    /** A regular expression past the evaluation's time limit. */
    static final class Timeout extends Problem {
        /** @param stoppedBy why the run's deadline or the event's share stopped it, or null when its own limit did */
        Timeout(String pattern, String stoppedBy) {
            super("a regular expression (" + shown(pattern) + ") " + (stoppedBy != null ? "was stopped: "
                + stoppedBy : "ran longer than " + Expression.TIME_LIMIT_MS
                + " ms of CPU time (does it backtrack catastrophically?)"));
        }
    }

    /** A regex literal of a flow's expression: only {@code $match}, {@code $contains}, {@code $replace}, {@code $split}. */
    record Literal(Pattern pattern) {
        @Override
        public String toString() {
            return "/" + pattern.pattern() + "/";
        }
    }

    /** Runs {@code evaluation} with its regexes bounded by {@code time}. */
    static <T> T within(CpuBudget time, java.util.function.Supplier<T> evaluation) {
        CpuBudget before = DEADLINE.get();
        DEADLINE.set(time);
        try {
            return evaluation.get();
        } finally {
            if (before == null) {
                DEADLINE.remove();
            } else {
                DEADLINE.set(before);
            }
        }
    }

    /** Makes {@code compiled}'s regex literals {@link Literal}s and registers the bounded regex functions on it. */
    static void install(Jsonata compiled) {
        try {
            wrapLiterals(AST.get(compiled));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the expression's regular expressions could not be bounded: " + e, e);
        }
        compiled.registerFunction("match", new Jsonata.JFunction(FlowRegex::match, null));
        compiled.registerFunction("contains", new Jsonata.JFunction(FlowRegex::contains, null));
        compiled.registerFunction("replace", new Jsonata.JFunction(FlowRegex::replace, null));
        compiled.registerFunction("split", new Jsonata.JFunction(FlowRegex::split, null));
    }

    /**
     * What {@link EvaluationBounds} needs of {@code compiled}'s parse tree, found with the same walk as the literals:
     * the steps after which com.dashjoin changes values in place (the update and the delete of each transform,
     * {@code | pattern | update, delete |}, after which it changes its copy's matched objects), and what gathers the
     * parts of each path step (the step: its results for each input, flattened) and array constructor (the array: its
     * items, appended).
     */
    static EvaluationBounds.Tree tree(Jsonata compiled) {
        Set<Object> changing = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Object, Object> gatherers = new IdentityHashMap<>();
        try {
            walk(AST.get(compiled), (node, f, v) -> {
                if (!f.getName().equals("type")) {
                    return;
                }
                if ("transform".equals(v)) {
                    for (Object step : new Object[] {UPDATE.get(node), DELETE.get(node)}) {
                        if (step != null) {
                            changing.add(step);
                        }
                    }
                } else if ("path".equals(v) && STEPS.get(node) instanceof List<?> steps) {
                    steps.forEach(step -> gatherers.put(step, step));
                } else if ("unary".equals(v) && "[".equals(String.valueOf(VALUE.get(node))) // a Character
                    && EXPRESSIONS.get(node) instanceof List<?> items) {
                    items.forEach(item -> gatherers.put(item, node));
                }
            });
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the expression's parse tree could not be read: " + e, e);
        }
        return new EvaluationBounds.Tree(changing, gatherers);
    }

    // ---- the parse tree

    private static void wrapLiterals(Object root) throws IllegalAccessException {
        walk(root, (node, f, v) -> {
            if (v instanceof Pattern p) {
                f.set(node, new Literal(p));
            }
        });
    }

    /** What {@link #walk} does with each field of a node: its value, not null. */
    private interface FieldVisitor {
        void visit(Object node, Field f, Object value) throws IllegalAccessException;
    }

    /** Visits each field of each node of the parse tree under {@code root}, and walks on into nodes and lists. */
    private static void walk(Object root, FieldVisitor visitor) throws IllegalAccessException {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Object node = todo.pop();
            if (!seen.add(node)) {
                continue;
            }
            if (node instanceof Collection<?> c) {
                c.stream().filter(v -> v != null).forEach(todo::push);
                continue;
            }
            if (node instanceof Object[] a) { // an object constructor's pairs: Symbol[] {name, value} in a list
                Arrays.stream(a).filter(v -> v != null).forEach(todo::push);
                continue;
            }
            for (Class<?> k = node.getClass(); k != null && SYMBOL.isAssignableFrom(k); k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (f.isSynthetic() || Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue; // the synthetic field is the parser, whose table holds every symbol's prototype
                    }
                    f.setAccessible(true);
                    Object v = f.get(node);
                    if (v != null) {
                        visitor.visit(node, f, v);
                    }
                    if (v != null && (SYMBOL.isInstance(v) || v instanceof Collection<?> || v instanceof Object[])) {
                        todo.push(v);
                    }
                }
            }
        }
    }

    // ---- the functions (JSONata's meaning, each match bounded)

    /** {@code $match(str, regex [, limit])}: the matches, each {@code {match, index, groups}}. */
    private static Object match(Object input, List<?> args) {
        List<Object> a = withContext(input, args);
        String str = text(a, 0, "$match");
        Literal regex = a.size() > 1 && a.get(1) instanceof Literal l ? l : null;
        if (regex == null) {
            throw new Problem("the second argument of $match must be a regular expression, like /ab+/");
        }
        Integer limit = limit(a, 2, "$match");
        if (str == null) {
            return null;
        }
        List<Object> out = Utils.createSequence();
        Matcher m = regex.pattern().matcher(bounded(str, regex));
        while ((limit == null || out.size() < limit) && m.find()) {
            out.add(matchObject(m));
        }
        return out;
    }

    /** {@code $contains(str, pattern)}: whether the text or a match of the regex is in it. */
    private static Object contains(Object input, List<?> args) {
        List<Object> a = withContext(input, args);
        String str = text(a, 0, "$contains");
        Object pattern = a.size() > 1 ? single(a.get(1)) : null;
        if (str == null) {
            return null;
        }
        if (pattern instanceof String s) {
            return str.contains(s);
        }
        if (pattern instanceof Literal regex) {
            return regex.pattern().matcher(bounded(str, regex)).find();
        }
        throw new Problem("the second argument of $contains must be text or a regular expression");
    }

    /** {@code $replace(str, pattern, replacement [, limit])}; a regex's replacement may be a function of the match. */
    private static Object replace(Object input, List<?> args) throws Throwable {
        List<Object> a = withContext(input, args);
        String str = text(a, 0, "$replace");
        Object pattern = a.size() > 1 ? single(a.get(1)) : null;
        Object replacement = a.size() > 2 ? single(a.get(2)) : null;
        Integer limit = limit(a, 3, "$replace");
        if (str == null) {
            return null;
        }
        if (pattern instanceof String s) {
            if (s.isEmpty()) {
                throw new Problem("the second argument of $replace cannot be empty text");
            }
            if (!(replacement instanceof String r)) {
                throw new Problem("the third argument of $replace must be text when the pattern is text");
            }
            StringBuilder out = new StringBuilder();
            int from = 0;
            int done = 0;
            for (int at = str.indexOf(s); at >= 0 && (limit == null || done < limit); at = str.indexOf(s, from)) {
                out.append(str, from, at).append(r);
                from = at + s.length();
                done++;
            }
            return out.append(str.substring(from)).toString();
        }
        if (!(pattern instanceof Literal regex)) {
            throw new Problem("the second argument of $replace must be text or a regular expression");
        }
        if (!(replacement instanceof String) && !Utils.isFunction(replacement) && !Functions.isLambda(replacement)) {
            throw new Problem("the third argument of $replace must be text or a function");
        }
        Matcher m = regex.pattern().matcher(bounded(str, regex));
        StringBuilder out = new StringBuilder();
        int from = 0;
        int done = 0;
        while ((limit == null || done < limit) && m.find()) {
            out.append(str, from, m.start());
            if (replacement instanceof String r) {
                out.append(substituted(r, m));
            } else {
                Object r = Functions.funcApply(replacement, List.of(matchObject(m)));
                if (!(r instanceof String s)) {
                    throw new Problem("the function of $replace must return text");
                }
                out.append(s);
            }
            from = m.end();
            done++;
        }
        return out.append(str.substring(from)).toString();
    }

    /** {@code $split(str, separator [, limit])}: the parts, the empty ones at the end kept. */
    private static Object split(Object input, List<?> args) {
        List<Object> a = withContext(input, args);
        String str = text(a, 0, "$split");
        Object separator = a.size() > 1 ? single(a.get(1)) : null;
        Integer limit = limit(a, 2, "$split");
        if (str == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (separator instanceof String s && s.isEmpty()) {
            str.codePoints().forEach(c -> parts.add(new String(Character.toChars(c))));
        } else if (separator instanceof String s) {
            int from = 0;
            for (int at = str.indexOf(s); at >= 0; at = str.indexOf(s, from)) {
                parts.add(str.substring(from, at));
                from = at + s.length();
            }
            parts.add(str.substring(from));
        } else if (separator instanceof Literal regex) {
            for (CharSequence part : regex.pattern().split(bounded(str, regex), -1)) {
                parts.add(part.toString());
            }
        } else {
            throw new Problem("the second argument of $split must be text or a regular expression");
        }
        return limit == null || limit >= parts.size() ? parts : new ArrayList<>(parts.subList(0, limit));
    }

    // ---- helpers

    /** The arguments; a call without the text ({@code name.$match(/x/)}) takes the context as it, as JSONata does. */
    private static List<Object> withContext(Object input, List<?> args) {
        List<Object> a = new ArrayList<>(args);
        if ((a.isEmpty() || a.get(0) instanceof Literal) && input instanceof String) {
            a.add(0, input);
        }
        return a;
    }

    /** A one-element sequence is its element, as JSONata's argument checks make it. */
    private static Object single(Object v) {
        return v instanceof List<?> l && l.size() == 1 ? l.get(0) : v;
    }

    private static String text(List<Object> a, int i, String function) {
        Object v = a.size() > i ? single(a.get(i)) : null;
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new Problem("the first argument of " + function + " must be text");
        }
        return s;
    }

    private static Integer limit(List<Object> a, int i, String function) {
        Object v = a.size() > i ? single(a.get(i)) : null;
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || n.doubleValue() < 0) {
            throw new Problem("the limit of " + function + " must be a number, 0 or more");
        }
        return (int) Math.min(Integer.MAX_VALUE, n.longValue());
    }

    private static Map<String, Object> matchObject(Matcher m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("match", m.group());
        o.put("index", m.start());
        List<String> groups = new ArrayList<>();
        for (int g = 1; g <= m.groupCount(); g++) {
            groups.add(m.group(g) == null ? "" : m.group(g));
        }
        o.put("groups", groups);
        return o;
    }

    /** JSONata's replacement text: {@code $n} the n-th group (the longest n that is one), {@code $$} a dollar. */
    private static String substituted(String replacement, Matcher m) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c != '$' || i + 1 >= replacement.length()) {
                out.append(c);
            } else if (replacement.charAt(i + 1) == '$') {
                out.append('$');
                i++;
            } else if (Character.isDigit(replacement.charAt(i + 1))) {
                int end = i + 1;
                while (end < replacement.length() && Character.isDigit(replacement.charAt(end))) {
                    end++;
                }
                int digits = end - (i + 1);
                while (digits > 1 && Integer.parseInt(replacement.substring(i + 1, i + 1 + digits)) > m.groupCount()) {
                    digits--;
                }
                int g = Integer.parseInt(replacement.substring(i + 1, i + 1 + digits));
                if (g <= m.groupCount() && m.group(g) != null) {
                    out.append(m.group(g));
                }
                i += digits;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The text as the regex engine reads it: every {@value #CHECK_EVERY} characters a look at the time. */
    private static CharSequence bounded(String s, Literal regex) {
        CpuBudget time = DEADLINE.get();
        // outside an evaluation (never in a flow): one time limit for this call alone
        return new Bounded(s, time != null ? time : new CpuBudget(Expression.TIME_LIMIT_MS * 1_000_000L),
            regex.pattern().pattern());
    }

    private static String shown(String pattern) {
        return pattern.length() > 60 ? pattern.substring(0, 60) + "..." : pattern;
    }

    private static final class Bounded implements CharSequence {
        private final String s;
        private final CpuBudget time;
        private final String pattern;
        private int reads;

        Bounded(String s, CpuBudget time, String pattern) {
            this.s = s;
            this.time = time;
            this.pattern = pattern;
        }

        @Override
        public char charAt(int index) {
            if (++reads % CHECK_EVERY == 0 && time.spent()) {
                throw new Timeout(pattern, time.stoppedBy());
            }
            return s.charAt(index);
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.subSequence(start, end);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
