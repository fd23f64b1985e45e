package de.datenhafen.plugins.airquality.sta;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tokenizer and recursive-descent parser for the OData subset SensorThings uses: {@code $filter} and the
 * expressions of {@code $orderby}. Precedence, loosest first: {@code or}, {@code and}, {@code not} (so
 * {@code not a eq b} is {@code not (a eq b)}), {@code eq ne}, {@code gt ge lt le}, {@code add sub},
 * {@code mul div mod}, unary minus, then literals, paths, function calls and parentheses. Errors carry the option
 * and the 0-based offset where the parser stopped.
 */
final class Parser {

    /** Functions and how many arguments each takes (min, max). */
    static final Map<String, int[]> FUNCTIONS = Map.ofEntries(
        Map.entry("substringof", new int[] {2, 2}), Map.entry("contains", new int[] {2, 2}),
        Map.entry("startswith", new int[] {2, 2}), Map.entry("endswith", new int[] {2, 2}),
        Map.entry("length", new int[] {1, 1}), Map.entry("indexof", new int[] {2, 2}),
        Map.entry("substring", new int[] {2, 3}), Map.entry("tolower", new int[] {1, 1}),
        Map.entry("toupper", new int[] {1, 1}), Map.entry("trim", new int[] {1, 1}),
        Map.entry("concat", new int[] {2, 2}),
        Map.entry("year", new int[] {1, 1}), Map.entry("month", new int[] {1, 1}), Map.entry("day", new int[] {1, 1}),
        Map.entry("hour", new int[] {1, 1}), Map.entry("minute", new int[] {1, 1}),
        Map.entry("second", new int[] {1, 1}), Map.entry("fractionalseconds", new int[] {1, 1}),
        Map.entry("date", new int[] {1, 1}), Map.entry("time", new int[] {1, 1}),
        Map.entry("totaloffsetminutes", new int[] {1, 1}), Map.entry("now", new int[] {0, 0}),
        Map.entry("mindatetime", new int[] {0, 0}), Map.entry("maxdatetime", new int[] {0, 0}),
        Map.entry("round", new int[] {1, 1}), Map.entry("floor", new int[] {1, 1}),
        Map.entry("ceiling", new int[] {1, 1}),
        Map.entry("geo.distance", new int[] {2, 2}));

    private static final Set<String> EQUALITY = Set.of("eq", "ne");
    private static final Set<String> RELATIONAL = Set.of("gt", "ge", "lt", "le");
    private static final Set<String> ADDITIVE = Set.of("add", "sub");
    private static final Set<String> MULTIPLICATIVE = Set.of("mul", "div", "mod");

    private static final Pattern DATETIME = Pattern.compile(
        "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+\\- ]\\d{2}:\\d{2})");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern TIME = Pattern.compile("\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_@$][A-Za-z0-9_.@$]*");
    private static final Pattern POINT = Pattern.compile(
        // numbers as the NUMBER token reads them, one point at most ("5.863.97" is no number: found by fuzzing)
        "(?i)(SRID=\\d+;)?\\s*POINT\\s*\\(\\s*(-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s+"
            + "(-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*\\)\\s*");

    /**
     * How deep parentheses, {@code not}, unary minus and function arguments may nest: the parser (and the evaluation
     * and SQL after it) recurse once per level, so 10,000 nested parentheses would overflow the stack.
     */
    static final int MAX_DEPTH = 50;
    /** Nodes of one expression tree at most (a chain of {@code or} is as deep as it is long in the evaluation). */
    static final int MAX_NODES = 1000;
    /** Characters of one string literal at most; the longest text this service keeps (an address) is 300. */
    static final int MAX_STRING = 1000;

    enum Kind { NAME, STRING, NUMBER, LITERAL, OPEN, CLOSE, COMMA, SLASH, SEMI, EQUALS, END }

    record Token(Kind kind, String text, Object value, int pos) {
    }

    private final String field;
    private final String text;
    private final List<Token> tokens;
    private int at;
    private int depth;
    private int nodes;

    private Parser(String field, String text) {
        this.field = field;
        this.text = text;
        this.tokens = tokenize(field, text);
    }

    /** Parses a whole {@code $filter}. */
    static Expr filter(String text) {
        Parser p = new Parser("$filter", text);
        Expr e = p.expression();
        p.expect(Kind.END, "the end of the filter");
        return e;
    }

    /** One item of {@code $orderby}: an expression and its direction. */
    record Order(Expr expr, boolean descending) {
    }

    /** Parses {@code $orderby}: comma-separated expressions, each optionally followed by asc or desc. */
    static List<Order> orderBy(String text) {
        Parser p = new Parser("$orderby", text);
        List<Order> out = new ArrayList<>();
        do {
            Expr e = p.expression();
            boolean desc = false;
            if (p.peekName("asc")) {
                p.at++;
            } else if (p.peekName("desc")) {
                p.at++;
                desc = true;
            }
            out.add(new Order(e, desc));
        } while (p.accept(Kind.COMMA));
        p.expect(Kind.END, "',' or the end of $orderby");
        return out;
    }

    // ---- grammar

    private Expr expression() {
        return nested(this::or);
    }

    /** One level deeper: refused past {@link #MAX_DEPTH}, before the recursion could exhaust the stack. */
    private Expr nested(java.util.function.Supplier<Expr> inner) {
        if (++depth > MAX_DEPTH) {
            throw error(peek().pos(), "nested deeper than " + MAX_DEPTH + " levels (parentheses, not, minus and "
                + "function calls)");
        }
        Expr e = inner.get();
        depth--;
        return e;
    }

    /** Every node is counted: past {@link #MAX_NODES} the expression is refused. */
    private <E extends Expr> E node(E e) {
        if (++nodes > MAX_NODES) {
            throw error(e.pos(), "the expression has more than " + MAX_NODES + " parts");
        }
        return e;
    }

    private Expr or() {
        Expr left = and();
        while (peekName("or")) {
            int pos = tokens.get(at++).pos();
            left = node(new Expr.Binary("or", left, and(), pos));
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (peekName("and")) {
            int pos = tokens.get(at++).pos();
            left = node(new Expr.Binary("and", left, not(), pos));
        }
        return left;
    }

    private Expr not() {
        if (peekName("not") && tokens.get(at + 1).kind() != Kind.SLASH) {
            int pos = tokens.get(at++).pos();
            return node(new Expr.Unary("not", nested(this::not), pos));
        }
        return binary(0);
    }

    private static final List<Set<String>> LEVELS = List.of(EQUALITY, RELATIONAL, ADDITIVE, MULTIPLICATIVE);

    private Expr binary(int level) {
        if (level == LEVELS.size()) {
            return unary();
        }
        Expr left = binary(level + 1);
        while (peek().kind() == Kind.NAME && LEVELS.get(level).contains(peek().text())) {
            Token op = tokens.get(at++);
            left = node(new Expr.Binary(op.text(), left, binary(level + 1), op.pos()));
        }
        return left;
    }

    private Expr unary() {
        Token t = peek();
        if (t.kind() == Kind.NAME && t.text().equals("-")) {
            at++;
            return node(new Expr.Unary("-", nested(this::unary), t.pos()));
        }
        return primary();
    }

    private Expr primary() {
        Token t = peek();
        switch (t.kind()) {
            case OPEN -> {
                at++;
                Expr inner = expression();
                expect(Kind.CLOSE, "')'");
                return inner;
            }
            case STRING, NUMBER, LITERAL -> {
                at++;
                return node(new Expr.Literal(t.value(), t.pos()));
            }
            case NAME -> {
                return nameOrCall();
            }
            default -> throw error(t.pos(), t.kind() == Kind.END ? "the expression ends too early"
                : "expected a value, a property or a function, found '" + t.text() + "'");
        }
    }

    private Expr nameOrCall() {
        Token t = tokens.get(at++);
        String lower = t.text().toLowerCase(Locale.ROOT);
        switch (lower) {
            case "true", "false" -> {
                return node(new Expr.Literal(Boolean.parseBoolean(lower), t.pos()));
            }
            case "null" -> {
                return node(new Expr.Literal(null, t.pos()));
            }
            default -> {
            }
        }
        if (peek().kind() == Kind.OPEN) {
            int[] arity = FUNCTIONS.get(lower);
            if (arity == null) {
                throw error(t.pos(), "unknown function '" + t.text() + "'; supported: "
                    + String.join(", ", new java.util.TreeSet<>(FUNCTIONS.keySet())));
            }
            at++;
            List<Expr> args = new ArrayList<>();
            if (peek().kind() != Kind.CLOSE) {
                do {
                    args.add(expression());
                } while (accept(Kind.COMMA));
            }
            expect(Kind.CLOSE, "',' or ')' in the arguments of " + lower);
            if (args.size() < arity[0] || args.size() > arity[1]) {
                throw error(t.pos(), lower + " takes " + (arity[0] == arity[1] ? arity[0] : arity[0] + " or "
                    + arity[1]) + " argument(s), not " + args.size());
            }
            return node(new Expr.Call(lower, args, t.pos()));
        }
        if (isOperator(lower)) {
            throw error(t.pos(), "expected a value or a property, found the operator '" + t.text() + "'");
        }
        List<String> segments = new ArrayList<>();
        segments.add(t.text());
        while (accept(Kind.SLASH)) {
            Token s = peek();
            if (s.kind() != Kind.NAME) {
                throw error(s.pos(), "expected a property name after '/'");
            }
            at++;
            segments.add(s.text());
        }
        return node(new Expr.Path(List.copyOf(segments), t.pos()));
    }

    private static boolean isOperator(String s) {
        return EQUALITY.contains(s) || RELATIONAL.contains(s) || ADDITIVE.contains(s) || MULTIPLICATIVE.contains(s)
            || s.equals("and") || s.equals("or");
    }

    // ---- token helpers

    private Token peek() {
        return tokens.get(at);
    }

    private boolean peekName(String name) {
        Token t = peek();
        return t.kind() == Kind.NAME && t.text().equals(name);
    }

    private boolean accept(Kind kind) {
        if (peek().kind() == kind) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(Kind kind, String what) {
        Token t = peek();
        if (t.kind() != kind) {
            throw error(t.pos(), "expected " + what + ", found " + (t.kind() == Kind.END ? "the end"
                : "'" + t.text() + "'"));
        }
        at++;
    }

    private StaException error(int pos, String message) {
        return StaException.badRequest(field, pos, "invalid " + field + " at position " + pos + ": " + message);
    }

    // ---- tokenizer

    static List<Token> tokenize(String field, String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            switch (c) {
                case '(' -> out.add(new Token(Kind.OPEN, "(", null, i++));
                case ')' -> out.add(new Token(Kind.CLOSE, ")", null, i++));
                case ',' -> out.add(new Token(Kind.COMMA, ",", null, i++));
                case '/' -> out.add(new Token(Kind.SLASH, "/", null, i++));
                case ';' -> out.add(new Token(Kind.SEMI, ";", null, i++));
                case '=' -> out.add(new Token(Kind.EQUALS, "=", null, i++));
                case '-' -> {
                    // a negative number literal, or unary minus before anything else
                    out.add(new Token(Kind.NAME, "-", null, i++));
                }
                case '\'' -> {
                    StringBuilder b = new StringBuilder();
                    i++;
                    while (true) {
                        if (i >= s.length()) {
                            throw StaException.badRequest(field, start, "invalid " + field + " at position " + start
                                + ": the string starting here is not closed with '");
                        }
                        if (b.length() > MAX_STRING) {
                            throw StaException.badRequest(field, start, "invalid " + field + " at position " + start
                                + ": the string starting here is longer than " + MAX_STRING + " characters");
                        }
                        char d = s.charAt(i);
                        if (d == '\'') {
                            if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                                b.append('\'');
                                i += 2;
                                continue;
                            }
                            i++;
                            break;
                        }
                        b.append(d);
                        i++;
                    }
                    out.add(new Token(Kind.STRING, s.substring(start, i), b.toString(), start));
                }
                default -> {
                    // ASCII digits only: Character.isDigit also takes Arabic-Indic and other digits, which no number
                    // literal of OData has (found by SensorThingsFilterFuzzTest)
                    if (c >= '0' && c <= '9') {
                        i = number(field, s, i, out);
                    } else {
                        Matcher m = NAME.matcher(s).region(i, s.length());
                        if (!m.lookingAt()) {
                            throw StaException.badRequest(field, i, "invalid " + field + " at position " + i
                                + ": unexpected character '" + c + "'");
                        }
                        String name = m.group();
                        i = m.end();
                        String lower = name.toLowerCase(Locale.ROOT);
                        if ((lower.equals("geography") || lower.equals("geometry")) && i < s.length()
                            && s.charAt(i) == '\'') {
                            int close = s.indexOf('\'', i + 1);
                            if (close < 0) {
                                throw StaException.badRequest(field, start, "invalid " + field + " at position "
                                    + start + ": the " + lower + " literal is not closed with '");
                            }
                            Matcher p = POINT.matcher(s.substring(i + 1, close));
                            if (!p.matches()) {
                                throw StaException.badRequest(field, start, "invalid " + field + " at position "
                                    + start + ": only POINT(lon lat) " + lower + " literals are supported");
                            }
                            out.add(new Token(Kind.LITERAL, s.substring(start, close + 1), new Expr.Geo(
                                Double.parseDouble(p.group(2)), Double.parseDouble(p.group(3))), start));
                            i = close + 1;
                        } else {
                            out.add(new Token(Kind.NAME, name, null, start));
                        }
                    }
                }
            }
        }
        out.add(new Token(Kind.END, "", null, s.length()));
        return out;
    }

    private static int number(String field, String s, int i, List<Token> out) {
        Matcher dt = DATETIME.matcher(s).region(i, s.length());
        if (dt.lookingAt()) {
            String lit = dt.group();
            // '+' in a query string arrives as a space: 2026-11-01T08:00:00+01:00 written unescaped
            String iso = lit.length() > 6 && lit.charAt(lit.length() - 6) == ' '
                ? lit.substring(0, lit.length() - 6) + "+" + lit.substring(lit.length() - 5) : lit;
            try {
                out.add(new Token(Kind.LITERAL, lit, OffsetDateTime.parse(iso).toInstant(), i));
            } catch (DateTimeException e) {
                throw StaException.badRequest(field, i, "invalid " + field + " at position " + i + ": '" + lit
                    + "' is not a valid date and time");
            }
            return dt.end();
        }
        for (Object[] kind : new Object[][] {{DATE, "date"}, {TIME, "time"}}) {
            Matcher m = ((Pattern) kind[0]).matcher(s).region(i, s.length());
            if (m.lookingAt()) {
                try {
                    out.add(new Token(Kind.LITERAL, m.group(), kind[1].equals("date") ? LocalDate.parse(m.group())
                        : LocalTime.parse(m.group()), i));
                } catch (DateTimeException e) {
                    throw StaException.badRequest(field, i, "invalid " + field + " at position " + i + ": '"
                        + m.group() + "' is not a valid " + kind[1]);
                }
                return m.end();
            }
        }
        Matcher n = NUMBER.matcher(s).region(i, s.length());
        if (!n.lookingAt()) {
            throw StaException.badRequest(field, i, "invalid " + field + " at position " + i + ": not a number");
        }
        String lit = n.group();
        Object value;
        if (lit.contains(".") || lit.contains("e") || lit.contains("E")) {
            value = Double.parseDouble(lit);
        } else {
            try {
                value = Long.parseLong(lit);
            } catch (NumberFormatException e) {
                value = Double.parseDouble(lit);
            }
        }
        if (Double.isInfinite(((Number) value).doubleValue())) {
            throw StaException.badRequest(field, i, "invalid " + field + " at position " + i + ": the number '"
                + (lit.length() > 40 ? lit.substring(0, 40) + "..." : lit) + "' is beyond the range of numbers "
                + "(at most about 1.8e308)");
        }
        out.add(new Token(Kind.NUMBER, lit, value, i));
        int end = n.end();
        if (end < s.length() && (Character.isLetter(s.charAt(end)) || s.charAt(end) == '_')) {
            throw StaException.badRequest(field, end, "invalid " + field + " at position " + end
                + ": a number must not run into a name");
        }
        return end;
    }
}
