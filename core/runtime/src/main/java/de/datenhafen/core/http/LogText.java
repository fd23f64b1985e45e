package de.datenhafen.core.http;

/**
 * Makes text from outside safe for one log line: control characters (CR and LF, which would forge lines, ESC, which
 * would drive an admin's terminal, NUL, ...) and the Unicode line and paragraph separators become visible escapes.
 */
public final class LogText {

    private static final int MAX = 500;

    private LogText() {
    }

    /** A value from outside for a log line: escaped, and cut after 500 characters. */
    public static String escape(Object value) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        if (s.length() <= MAX) {
            return escapeControls(s);
        }
        return escapeControls(s.substring(0, MAX)) + "... (" + s.length() + " characters)";
    }

    /** The text with every control character escaped; the text itself when it has none. */
    public static String escapeControls(String s) {
        int first = -1;
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * C0 and C1 controls, DEL, the line and paragraph separators, and the bidirectional formatting characters (U+061C,
     * U+200E and U+200F, U+202A to U+202E, U+2066 to U+2069): those turn the rest of a line around on an admin's
     * terminal, so a subject ending in U+202E shows the text after it reversed (Trojan Source, CVE-2021-42574).
     */
    private static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029'
            || c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
            || (c >= '\u2066' && c <= '\u2069');
    }
}
