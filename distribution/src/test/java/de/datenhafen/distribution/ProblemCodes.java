package de.datenhafen.distribution;

import java.util.ArrayList;
import java.util.List;

/**
 * The problem codes a plugin's source gives its connectors' problems: the third argument of each
 * {@code ConfigProblem.coded(field, message, code, values...)}, which must be a string literal (a code named any other
 * way is refused here, so that no code goes unchecked for its German words).
 */
final class ProblemCodes {

    static final String CALL = "ConfigProblem.coded(";

    private ProblemCodes() {
    }

    /** The codes of {@code source}'s calls, in order; {@code file} names it in a refusal. */
    static List<String> in(String source, String file) {
        List<String> codes = new ArrayList<>();
        for (int at = source.indexOf(CALL); at >= 0; at = source.indexOf(CALL, at + CALL.length())) {
            List<String> args = arguments(source, at + CALL.length());
            String code = args.size() >= 3 ? args.get(2) : "";
            if (!code.matches("\"[^\"\\\\]+\"")) {
                throw new IllegalArgumentException(file + ": the code of " + CALL + "...) at character " + at
                    + " is not a string literal (" + code + "): write it as one, so its German words can be checked");
            }
            codes.add(code.substring(1, code.length() - 1));
        }
        return codes;
    }

    /** The top-level arguments of a call whose list starts at {@code from} (after its parenthesis), trimmed. */
    private static List<String> arguments(String source, int from) {
        List<String> args = new ArrayList<>();
        StringBuilder arg = new StringBuilder();
        int depth = 0;
        for (int i = from; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < source.length() && source.charAt(end) != c) {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                arg.append(source, i, Math.min(end + 1, source.length()));
                i = end;
                continue;
            }
            if (c == ',' && depth == 0 || c == ')' && depth == 0) {
                args.add(arg.toString().strip());
                arg.setLength(0);
                if (c == ')') {
                    return args;
                }
                continue;
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            arg.append(c);
        }
        throw new IllegalArgumentException("a call of " + CALL + "...) is not closed");
    }
}
