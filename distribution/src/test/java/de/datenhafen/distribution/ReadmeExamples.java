package de.datenhafen.distribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The examples of a README, as {@link ReadmeExamplesIT} runs them. The rules, which the README's section "How the
 * examples are tested" states for writers:
 * <ul>
 * <li>Every fenced {@code sh} block with a {@code curl} in it, or a line that sets a variable ({@code HUB=...}), is an
 * example block; all example blocks of a README run top to bottom in one bash, so a variable set in one is there in
 * the next.</li>
 * <li>A command is a line with {@code curl} in it (not a comment) and its continuation lines.</li>
 * <li>A comment line {@code # -> 202 {"sequence":42}} right after a command states what it answers: the status, and
 * optionally a JSON value the answer's body must match (anything after that value is prose). Without such a line the
 * answer must be a 2xx.</li>
 * <li>A JSON value matches when every field it shows is in the answer with the same value (objects may have more
 * fields, arrays more elements; the shown ones are compared by position), except numbers, which are examples (ids,
 * counts, sequences) and match any number, and strings ending in {@code ...}, which match by their beginning.</li>
 * <li>A curl command outside an example block (in prose, or a block of another language) is an error, so no example
 * escapes the test.</li>
 * </ul>
 */
final class ReadmeExamples {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXPECT = Pattern.compile("^\\s*#\\s*->\\s*(\\d{3})\\b\\s*(.*)$");
    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*[A-Za-z_][A-Za-z0-9_]*=");
    private static final Pattern CURL_IN_PROSE = Pattern.compile("\\bcurl\\s+(-|\"|'|\\$|http|localhost)");

    /** What a command must answer: a status, and a JSON value to match (null: any body). */
    record Expectation(int status, JsonNode body) {
    }

    /** One command: its lines in the README (1-based, inclusive), its text, and what it must answer (null: 2xx). */
    record Command(int first, int last, String text, Expectation expect) {
        boolean covers(int line) {
            return line >= first && line <= last;
        }
    }

    /** A README's example blocks as a bash script with the README's line numbers, its commands, and its errors. */
    record Parsed(List<String> scriptLines, List<Command> commands, List<String> errors) {
    }

    private ReadmeExamples() {
    }

    static Parsed parse(List<String> lines) {
        List<String> script = new ArrayList<>();
        List<Command> commands = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.strip().startsWith("```")) {
                String info = line.strip().substring(3).strip();
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).strip().startsWith("```")) {
                    end++;
                }
                List<String> body = lines.subList(i + 1, Math.min(end, lines.size()));
                boolean example = body.stream().anyMatch(l -> !isComment(l) && l.contains("curl ")
                    || ASSIGNMENT.matcher(l).find());
                script.add("");
                if (info.equals("sh") && example) {
                    script.addAll(body);
                    commands.addAll(commands(body, i + 2, errors));
                } else {
                    for (int k = 0; k < body.size(); k++) {
                        if (!isComment(body.get(k)) && CURL_IN_PROSE.matcher(body.get(k)).find()) {
                            errors.add("line " + (i + 2 + k) + ": a curl example in a block that is not run (make it a "
                                + "```sh block)");
                        }
                        script.add("");
                    }
                }
                if (end < lines.size()) {
                    script.add("");
                }
                i = end + 1;
                continue;
            }
            if (CURL_IN_PROSE.matcher(line).find()) {
                errors.add("line " + (i + 1) + ": a curl example in the text, where no test runs it (put it in a "
                    + "```sh block)");
            }
            script.add("");
            i++;
        }
        return new Parsed(script, commands, errors);
    }

    /** The commands of one block whose first line is README line {@code firstLine}. */
    private static List<Command> commands(List<String> body, int firstLine, List<String> errors) {
        List<Command> out = new ArrayList<>();
        int k = 0;
        while (k < body.size()) {
            String l = body.get(k);
            if (isComment(l) || !l.contains("curl ")) {
                k++;
                continue;
            }
            int start = k;
            char quote = quoteAfter(l, NONE);
            while (k + 1 < body.size() && (body.get(k).endsWith("\\") || quote != NONE)) {
                k++;
                quote = quoteAfter(body.get(k), quote);
            }
            String text = String.join("\n", body.subList(start, k + 1));
            Expectation expect = null;
            if (k + 1 < body.size()) {
                Matcher m = EXPECT.matcher(body.get(k + 1));
                if (m.matches()) {
                    expect = expectation(m, firstLine + k + 1, errors);
                }
            }
            out.add(new Command(firstLine + start, firstLine + k, text, expect));
            k++;
        }
        return out;
    }

    private static Expectation expectation(Matcher m, int line, List<String> errors) {
        String rest = m.group(2).strip();
        JsonNode body = null;
        if (rest.startsWith("{") || rest.startsWith("[")) {
            try {
                // reads one value; what follows it is prose
                body = JSON.readerFor(JsonNode.class).readValue(rest);
            } catch (JsonProcessingException e) {
                errors.add("line " + line + ": the answer shown is not JSON: " + e.getOriginalMessage());
            }
        }
        return new Expectation(Integer.parseInt(m.group(1)), body);
    }

    private static boolean isComment(String line) {
        return line.strip().startsWith("#");
    }

    private static final char NONE = 0;

    /**
     * The quote still open at the end of a line of bash that starts inside {@code open} ({@link #NONE}, ' or "), so a
     * command's quoted argument can span lines; a comment (# after a blank, outside quotes) ends the line's code, and
     * its apostrophes count for nothing.
     */
    static char quoteAfter(String line, char open) {
        char q = open;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (q == NONE) {
                if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                    return NONE;
                }
                if (c == '\\') {
                    i++;
                } else if (c == '\'' || c == '"') {
                    q = c;
                }
            } else if (q == '"' && c == '\\') {
                i++;
            } else if (c == q) {
                q = NONE;
            }
        }
        return q;
    }

    /** Where {@code actual} does not match {@code expected} by the rules above; empty when it does. */
    static List<String> mismatches(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        match(expected, actual, "$", out);
        return out;
    }

    private static void match(JsonNode expected, JsonNode actual, String path, List<String> out) {
        if (actual == null || actual.isMissingNode()) {
            out.add(path + " is missing");
        } else if (expected.isObject()) {
            if (!actual.isObject()) {
                out.add(path + " is not an object: " + brief(actual));
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                match(f.getValue(), actual.get(f.getKey()), path + "." + f.getKey(), out);
            }
        } else if (expected.isArray()) {
            if (!actual.isArray() || actual.size() < expected.size()) {
                out.add(path + " is not an array of at least " + expected.size() + ": " + brief(actual));
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                match(expected.get(i), actual.get(i), path + "[" + i + "]", out);
            }
        } else if (expected.isNumber()) {
            if (!actual.isNumber()) {
                out.add(path + " is not a number: " + brief(actual));
            }
        } else if (expected.isTextual() && expected.asText().endsWith("...")) {
            String prefix = expected.asText().substring(0, expected.asText().length() - 3);
            if (!actual.isTextual() || !actual.asText().startsWith(prefix)) {
                out.add(path + " does not start with \"" + prefix + "\": " + brief(actual));
            }
        } else if (!expected.equals(actual)) {
            out.add(path + " is " + brief(actual) + ", not " + expected);
        }
    }

    private static String brief(JsonNode n) {
        String s = n == null ? "absent" : n.toString();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
