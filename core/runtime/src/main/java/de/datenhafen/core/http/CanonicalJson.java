package de.datenhafen.core.http;

import com.fasterxml.jackson.core.StreamReadConstraints;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Finds where a JSON value in a body ends when it is already written exactly as the codec would write it again, so
 * its bytes can be kept as they came instead of being parsed and written out (the copy was a fifth of the events
 * door's CPU for the harness's readings).
 *
 * <p>"As the codec would write it" is the form of Jackson's generator fed by the parser: no white space; strings in
 * well-formed UTF-8 with only the escapes the generator writes itself ({@code \" \\ \b \f \n \r \t}); integers without
 * a sign on zero and of at most 18 digits; other numbers as {@link Double#toString} writes the double they stand for.
 * Anything else, and anything nested deeper than {@value #MAX_DEPTH}, is not canonical, and the caller copies the value
 * through the generator as before. A name given twice in one object makes the value not canonical too (the generator's
 * copy refuses it), as does an object of more than {@value #MAX_NAMES} names (the copy checks those with a set). The
 * caller's parser still reads the value and so checks the syntax a second time.
 */
final class CanonicalJson {

    static final int MAX_DEPTH = 32;
    /** Names per object compared here, each with those before it. */
    static final int MAX_NAMES = 32;

    /**
     * Jackson's limits on what it reads (its defaults), in bytes, which are at least as many as characters: the events
     * door's compact reader keeps data without a parser reading it after this scan, so a name or string the parser
     * would refuse must not be kept either (it goes the parser's way and is refused there, as before).
     */
    static final int MAX_NAME_BYTES = StreamReadConstraints.defaults().getMaxNameLength();
    static final int MAX_STRING_BYTES = StreamReadConstraints.defaults().getMaxStringLength();

    private CanonicalJson() {
    }

    /** The offset just after the value starting at {@code start}, or -1 when it is not in the canonical form. */
    static int end(byte[] b, int start) {
        try {
            return value(b, start, 0, new Names());
        } catch (ArrayIndexOutOfBoundsException e) {
            return -1; // the body ended inside the value: the parser says what is wrong
        }
    }

    private static int value(byte[] b, int i, int depth, Names names) {
        return switch (b[i]) {
            case '{' -> object(b, i + 1, depth + 1, names);
            case '[' -> array(b, i + 1, depth + 1, names);
            case '"' -> {
                int end = string(b, i + 1);
                yield end - 1 - (i + 1) > MAX_STRING_BYTES ? -1 : end;
            }
            case 't' -> literal(b, i, "true");
            case 'f' -> literal(b, i, "false");
            case 'n' -> literal(b, i, "null");
            default -> number(b, i);
        };
    }

    private static int object(byte[] b, int i, int depth, Names names) {
        if (depth > MAX_DEPTH) {
            return -1;
        }
        if (b[i] == '}') {
            return i + 1;
        }
        int first = names.count;
        while (true) {
            if (b[i] != '"') {
                return -1;
            }
            int name = i + 1;
            i = string(b, name);
            if (i < 0 || i - 1 - name > MAX_NAME_BYTES || b[i] != ':' || !names.add(b, first, name, i - 1)) {
                return -1;
            }
            i = value(b, i + 1, depth, names);
            if (i < 0) {
                return -1;
            }
            if (b[i] == '}') {
                names.count = first;
                return i + 1;
            }
            if (b[i] != ',') {
                return -1;
            }
            i++;
        }
    }

    private static int array(byte[] b, int i, int depth, Names names) {
        if (depth > MAX_DEPTH) {
            return -1;
        }
        if (b[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = value(b, i, depth, names);
            if (i < 0) {
                return -1;
            }
            if (b[i] == ']') {
                return i + 1;
            }
            if (b[i] != ',') {
                return -1;
            }
            i++;
        }
    }

    /**
     * The names of the objects open in a scan, as offsets into the body: those of the innermost object from
     * {@code first} on. Names in the canonical form are equal exactly when their bytes are (each character has one way
     * to be written), so the bytes are compared.
     */
    private static final class Names {
        private int[] from = new int[16];
        private int[] to = new int[16];
        int count;

        /** Adds the name {@code b[start..end)} to the object whose names start at {@code first}; false if it has it. */
        boolean add(byte[] b, int first, int start, int end) {
            if (count - first >= MAX_NAMES) {
                return false;
            }
            for (int k = first; k < count; k++) {
                if (Arrays.equals(b, from[k], to[k], b, start, end)) {
                    return false;
                }
            }
            if (count == from.length) {
                from = Arrays.copyOf(from, count * 2);
                to = Arrays.copyOf(to, count * 2);
            }
            from[count] = start;
            to[count] = end;
            count++;
            return true;
        }
    }

    /** After the opening quote: the offset after the closing one. */
    private static int string(byte[] b, int i) {
        while (true) {
            int c = b[i] & 0xff;
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                switch (b[i + 1]) {
                    case '"', '\\', 'b', 'f', 'n', 'r', 't' -> i += 2;
                    default -> {
                        return -1; // \/ and \\u escapes: the generator writes those characters otherwise
                    }
                }
            } else if (c < 0x20) {
                return -1;
            } else if (c < 0x80) {
                i++;
            } else {
                i = de.datenhafen.api.Utf8.sequenceEnd(b, i, b.length); // Unicode's table 3-7, as for every JSON body
                if (i < 0) {
                    return -1;
                }
            }
        }
    }

    private static int literal(byte[] b, int i, String word) {
        for (int k = 0; k < word.length(); k++) {
            if (b[i + k] != word.charAt(k)) {
                return -1;
            }
        }
        return i + word.length();
    }

    private static int number(byte[] b, int start) {
        int i = start;
        if (b[i] == '-') {
            i++;
        }
        int digits = i;
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            while (isDigit(b[i])) {
                i++;
            }
        } else {
            return -1;
        }
        int intDigits = i - digits;
        boolean integer = true;
        if (b[i] == '.') {
            integer = false;
            int from = ++i;
            while (isDigit(b[i])) {
                i++;
            }
            if (i == from) {
                return -1;
            }
        }
        if (b[i] == 'e' || b[i] == 'E') {
            integer = false;
            i++;
            if (b[i] == '+' || b[i] == '-') {
                i++;
            }
            int from = i;
            while (isDigit(b[i])) {
                i++;
            }
            if (i == from) {
                return -1;
            }
        }
        if (integer) {
            // the generator writes -0 as 0; 18 digits always fit a long, written back as they came
            return intDigits > 18 || (b[start] == '-' && b[digits] == '0') ? -1 : i;
        }
        long key = i - start <= 8 ? packed(b, start, i) : 0;
        if (key != 0 && CANONICAL_NUMBERS.getOpaque(numberSlot(key)) == key) {
            return i;
        }
        String text = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
        if (!Double.toString(Double.parseDouble(text)).equals(text)) {
            return -1;
        }
        if (key != 0) {
            CANONICAL_NUMBERS.setOpaque(numberSlot(key), key);
        }
        return i;
    }

    /**
     * Short numbers with a fraction or an exponent found canonical, each packed into a long ({@link #packed}): sensors
     * send the same few hundred values again and again, and asking the double and back was 7 % of the events door's
     * CPU under the harness's load. One slot per hash, a later number taking the slot of an earlier one; opaque
     * reads and writes keep every long whole across threads. Only canonical numbers go in, so a hit is the answer
     * {@code Double.toString} gave on this JVM.
     */
    private static final AtomicLongArray CANONICAL_NUMBERS = new AtomicLongArray(4096);

    /** Up to 8 bytes, the first in the highest used byte: no byte of a number is 0, so no two numbers pack alike. */
    private static long packed(byte[] b, int start, int end) {
        long k = 0;
        for (int j = start; j < end; j++) {
            k = k << 8 | (b[j] & 0xff);
        }
        return k;
    }

    private static int numberSlot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 52); // the top 12 bits: 4096 slots
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
