package de.datenhafen.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Text from outside held to well-formed UTF-8 (RFC 3629, Unicode's table 3-7: no overlong forms, no encoded
 * surrogates, nothing beyond U+10FFFF, no sequence cut short; and no NUL byte, which no text format the hub reads
 * has, but UTF-16 and UTF-32 do), and strings to valid Unicode (no half of a surrogate pair alone, which a JSON
 * {@code \}{@code u} escape can make). The hub's own doors refuse such bodies with a 400 naming the field; a plugin
 * that reads a body itself uses the same rules here, before its parser.
 *
 * <p>Why: Java's and Jackson's decoders read ill-formed bytes without a word, as U+FFFD or as the character an
 * overlong form spells ({@code C0 AF} becomes {@code /}), and a lone surrogate is stored as {@code ?}. A filter or a
 * signature check in front of the hub reads the same bytes otherwise ({@code /p\xc0\xae\xc0\xae\xc0\xaf} holds no
 * {@code ../} for it), so only text that every reader reads alike is taken. For JSON, a plugin's parser should also
 * refuse a name given twice ({@code JsonParser.Feature.STRICT_DUPLICATE_DETECTION}) and content after the value
 * ({@code DeserializationFeature.FAIL_ON_TRAILING_TOKENS}).
 *
 * @since 1.6
 */
public final class Utf8 {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_BITS = 0x0101010101010101L;

    private Utf8() {
    }

    /**
     * {@code body} decoded, refused where it is not well-formed UTF-8.
     *
     * @param what what the text is, to start the refusal's message ({@code "the body"}, {@code "the flow's YAML"})
     * @throws InvalidInputException naming {@code field}, with the bytes, their offset and what is wrong with them
     */
    public static String decode(byte[] body, String what, String field) {
        check(body, what, field);
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Refuses {@code body} where it is not well-formed UTF-8, as {@link #decode}; reads eight ASCII bytes at a time.
     *
     * @throws InvalidInputException naming {@code field}
     */
    public static void check(byte[] body, String what, String field) {
        int at = illFormed(body, 0, body.length);
        if (at >= 0) {
            throw refusal(body, at, what, field, "text is UTF-8");
        }
    }

    /**
     * The offset of the first byte in {@code b[from, to)} that does not start a well-formed UTF-8 sequence (or is a
     * NUL), or -1 when all are well-formed. Eight ASCII bytes at a time while there are no others.
     */
    public static int illFormed(byte[] b, int from, int to) {
        int i = from;
        while (true) {
            while (i + 8 <= to) {
                long w = (long) LONGS.get(b, i);
                if (((w | (w - LOW_BITS) & ~w) & HIGH_BITS) != 0) {
                    break; // a byte of 0x80 or more, or a NUL, in these eight
                }
                i += 8;
            }
            if (i >= to) {
                return -1;
            }
            int c = b[i] & 0xff;
            if (c == 0) {
                return i;
            }
            if (c < 0x80) {
                i++;
            } else {
                int end = sequenceEnd(b, i, to);
                if (end < 0) {
                    return i;
                }
                i = end;
            }
        }
    }

    /**
     * One multi-byte UTF-8 sequence at {@code i}, well-formed as Unicode's table 3-7 says (no overlong forms, no
     * surrogates, nothing above U+10FFFF, not cut short before {@code to}): the offset after it, or -1.
     */
    public static int sequenceEnd(byte[] b, int i, int to) {
        int c = b[i] & 0xff;
        int n;
        int lo = 0x80;
        int hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            if (c == 0xe0) {
                lo = 0xa0;
            } else if (c == 0xed) {
                hi = 0x9f;
            }
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            if (c == 0xf0) {
                lo = 0x90;
            } else if (c == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return -1;
        }
        if (i + n >= to) {
            return -1;
        }
        int second = b[i + 1] & 0xff;
        if (second < lo || second > hi) {
            return -1;
        }
        for (int k = 2; k <= n; k++) {
            if ((b[i + k] & 0xc0) != 0x80) {
                return -1;
            }
        }
        return i + n + 1;
    }

    /**
     * The longest start of an ill-formed sequence at {@code i} that could still have become a well-formed one (the
     * "maximal subpart" of Unicode's section 3.9), at least one byte: what a decoder replaces by one U+FFFD.
     */
    public static int subpart(byte[] b, int i) {
        int c = b[i] & 0xff;
        int n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
        int lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
        int hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
        int k = 1;
        while (k <= n && i + k < b.length) {
            int next = b[i + k] & 0xff;
            if (k == 1 ? next < lo || next > hi : (next & 0xc0) != 0x80) {
                break;
            }
            k++;
        }
        return k;
    }

    /**
     * The refusal of the ill-formed sequence at {@code at} (an offset {@link #illFormed} gave): "{@code what} is not
     * well-formed UTF-8: C0 AE at byte 53 of the body is an overlong form (...); {@code rule}, each character in its
     * one shortest form (RFC 3629)".
     */
    public static InvalidInputException refusal(byte[] body, int at, String what, String field, String rule) {
        int c = body[at] & 0xff;
        int length = c >= 0xc0 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf7 ? 4 : 1;
        StringBuilder bytes = new StringBuilder(String.format("%02X", c));
        for (int k = 1; k < length && at + k < body.length && (body[at + k] & 0xc0) == 0x80; k++) {
            bytes.append(' ').append(String.format("%02X", body[at + k] & 0xff));
        }
        return new InvalidInputException(what + " is not well-formed UTF-8: " + bytes + " at byte " + at
            + " of the body is " + kind(body, at) + "; " + rule + ", each character in its one shortest form "
            + "(RFC 3629)", field);
    }

    /** What is wrong with the sequence at {@code at}, in words. */
    private static String kind(byte[] b, int at) {
        int c = b[at] & 0xff;
        int second = at + 1 < b.length ? b[at + 1] & 0xff : -1;
        boolean continued = (second & 0xc0) == 0x80;
        if (c == 0) {
            return "a NUL byte, which no text the hub reads holds (a body in UTF-16 or UTF-32 is not taken)";
        } else if (c < 0xc0) {
            return "a continuation byte without a first byte before it";
        } else if (c <= 0xc1 || continued && (c == 0xe0 && second < 0xa0 || c == 0xf0 && second < 0x90)) {
            return "an overlong form (a character written with more bytes than it takes)";
        } else if (c == 0xed && continued && second >= 0xa0) {
            return "an encoded surrogate (U+D800 to U+DFFF are no characters of their own)";
        } else if (c >= 0xf5 && c <= 0xf7 || c == 0xf4 && continued && second >= 0x90) {
            return "a code point beyond U+10FFFF";
        } else if (c >= 0xf8) {
            return "a byte that never occurs in UTF-8";
        }
        return "a sequence cut short";
    }

    /**
     * The index of the first bidirectional embedding, override or isolate control in {@code s} (U+202A to U+202E,
     * U+2066 to U+2069), or -1. A name holding one reads otherwise than it is wherever it is shown (an override turns
     * the rest of the line round: {@code "Raum \u202Efdp.exe"} shows as "Raum exe.pdf"); right-to-left text needs none
     * of them, and the marks U+200E and U+200F are not among them.
     *
     * @since 1.9
     */
    public static int bidiControl(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069') {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first surrogate in {@code s} that is not part of a pair, or -1. */
    public static int loneSurrogate(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
