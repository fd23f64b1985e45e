package de.datenhafen.core.http;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.Utf8;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Percent-decoding (RFC 3986, section 2.1) that refuses what a lenient decoder changes without a word: a broken
 * escape, and escaped bytes that are not well-formed UTF-8 (overlong forms, encoded surrogates, a sequence cut short),
 * which {@code URLDecoder} and Netty's {@code QueryStringDecoder} each turn into U+FFFD, so that the text the hub keeps
 * or compares differs from the text a reader in front of it saw. For binary mode's {@code ce-} headers and the
 * console's forms.
 */
public final class PercentDecoding {

    /** The most fields a form may have (Netty's decoder dropped those past 1,024 silently). */
    static final int MAX_FORM_FIELDS = 1024;

    private PercentDecoding() {
    }

    /**
     * {@code value} percent-decoded; {@code +} is a space where {@code plusIsSpace} (forms), a plus otherwise (header
     * values, as the CloudEvents HTTP binding has them). {@code what} starts the refusal's message, {@code field} is
     * its field.
     */
    public static String decode(String value, boolean plusIsSpace, String what, String field) {
        int first = -1;
        for (int i = 0; i < value.length() && first < 0; i++) {
            char c = value.charAt(i);
            if (c == '%' || c == '+' && plusIsSpace) {
                first = i;
            }
        }
        if (first < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length()).append(value, 0, first);
        byte[] run = new byte[value.length() / 3 + 1];
        int i = first;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c != '%') {
                out.append(c == '+' && plusIsSpace ? ' ' : c);
                i++;
                continue;
            }
            int n = 0;
            int from = i;
            while (i < value.length() && value.charAt(i) == '%') {
                int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(value.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new InvalidInputException(what + " has a broken percent-encoding at position " + i
                        + " (a % is followed by two hexadecimal digits)", field);
                }
                run[n++] = (byte) (hi << 4 | lo);
                i += 3;
            }
            try {
                out.append(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(run, 0, n)));
            } catch (CharacterCodingException e) {
                throw new InvalidInputException(what + " holds percent-encoded bytes that are not well-formed UTF-8 ("
                    + value.substring(from, i) + " at position " + from + "); each character in its one shortest "
                    + "form (RFC 3629)", field);
            }
        }
        return out.toString();
    }

    /**
     * The fields of an {@code application/x-www-form-urlencoded} body, each name with its values in order; the body's
     * own bytes must be well-formed UTF-8 too (a browser sends only ASCII, {@code curl --data} what it is given).
     * Refused naming the field whose name or value is broken, or {@code body}.
     */
    public static Map<String, List<String>> form(byte[] body) {
        String text = Utf8.decode(body, "the form", "body");
        Map<String, List<String>> fields = new LinkedHashMap<>();
        int count = 0;
        for (String pair : text.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            if (++count > MAX_FORM_FIELDS) {
                throw new InvalidInputException("the form has more than " + MAX_FORM_FIELDS + " fields", "body");
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true, "a field's name", "body");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true, "the form's field " + name, name);
            fields.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return fields;
    }
}
