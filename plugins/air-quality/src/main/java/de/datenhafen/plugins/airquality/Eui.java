package de.datenhafen.plugins.airquality;

/**
 * A device's EUI-64 as the registry keeps it: 16 hex digits, upper case, without separators. Read by hand, not with
 * two {@code replace}, {@code toUpperCase} and a pattern: ingest does it for every reading, and those were 2 % of the
 * plugin door's CPU under the shared harness's load (JFR, one run each: the parser 14.8 % of the samples before, 11.3 %
 * after). The registry's API and CSV import read EUIs with it too, so ingest and the registry agree on what one is.
 * Only ASCII hex digits count: the ligature {@code U+FB00}, which {@code toUpperCase} turned into {@code FF} and the
 * old way therefore took, is refused.
 */
final class Eui {

    private Eui() {
    }

    /**
     * {@code sent} without its {@code :} and {@code -} and in upper case, if that is 16 hex digits (the same string when
     * it already is); null otherwise.
     */
    static String normalize(String sent) {
        if (isNormal(sent)) {
            return sent;
        }
        char[] out = new char[16];
        int n = 0;
        for (int i = 0; i < sent.length(); i++) {
            char c = sent.charAt(i);
            if (c == ':' || c == '-') {
                continue;
            }
            if (c >= 'a' && c <= 'f') {
                c = (char) (c - 'a' + 'A');
            } else if (!isUpperHex(c)) {
                return null;
            }
            if (n == 16) {
                return null;
            }
            out[n++] = c;
        }
        return n == 16 ? new String(out) : null;
    }

    /** Whether {@code s} is 16 hex digits in upper case. */
    static boolean isNormal(String s) {
        if (s.length() != 16) {
            return false;
        }
        for (int i = 0; i < 16; i++) {
            if (!isUpperHex(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUpperHex(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'F';
    }
}
