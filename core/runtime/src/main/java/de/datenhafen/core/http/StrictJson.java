package de.datenhafen.core.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import de.datenhafen.api.InvalidInputException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What every JSON body the hub's own doors read must be, beyond JSON's syntax: well-formed UTF-8 (RFC 3629, Unicode's
 * table 3-7: no overlong forms, no encoded surrogates, nothing beyond U+10FFFF, no sequence cut short, and no NUL
 * byte, which no JSON text has but UTF-16 and UTF-32 do), no <code>&#92;u</code> escape of half a surrogate pair
 * without its other half, and no name given twice in one object, at any depth. A refusal is the usual 400 naming the
 * field.
 *
 * <p>Why the hub checks this itself: Jackson's UTF-8 parser (2.18) decodes overlong forms and encoded surrogates
 * without a word ({@code C0 AF} becomes {@code /}), turns lone surrogates into {@code ?} when the text is stored, and
 * keeps the last of two equal names. A filter or signature check in front of the hub reads the same bytes otherwise
 * ({@code /p\xc0\xae\xc0\xae\xc0\xaf} holds no {@code ../} for it): so the hub takes only bodies that every reader
 * reads alike. Checked once per body, before the hub's own parser reads it: {@link #check} streams the body with
 * Jackson's parser (without its {@code STRICT_DUPLICATE_DETECTION}, to name the field at fault and say which rule),
 * after a scan of the bytes for ill-formed UTF-8 that reads eight ASCII bytes at a time. The events door's compact
 * reader ({@link CompactEnvelopes}, {@link CanonicalJson}) keeps to these rules without this check; what it leaves
 * comes here.
 */
final class StrictJson {

    /** How the place of a problem in the body becomes the refusal's field. */
    enum Fields {
        /** A structured event: the attribute ({@code source}, {@code data}), else {@code body}. */
        EVENT,
        /** A batch: the event and its attribute ({@code [3].source}, {@code [3]}), else {@code body}. */
        BATCH,
        /** An event's data on its own (binary mode): always {@code data}. */
        DATA,
        /** An admin body: the whole path ({@code name}, {@code config.url}, {@code roles[1]}), else {@code body}. */
        PATH
    }

    /** The check's parser: Jackson's defaults, so it refuses nothing the readers after it take. */
    private static final JsonFactory PARSER = new JsonFactory();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_BITS = 0x0101010101010101L;

    private StrictJson() {
    }

    /**
     * Checks a JSON body against the rules of the class, up to the end of its first value (what the hub's readers
     * read); a body that is not JSON passes, for its reader to say what is wrong, unless its UTF-8 is ill-formed.
     *
     * @throws InvalidInputException naming the field at fault as {@code fields} says
     */
    static void check(byte[] body, Fields fields) {
        int bad = illFormed(body, 0, body.length);
        boolean escapes = indexOf(body, (byte) '\\') >= 0; // only an escape makes a lone surrogate
        byte[] parsed = bad < 0 ? body : withoutIllFormed(body, bad);
        try (JsonParser p = PARSER.createParser(parsed)) {
            ArrayDeque<Set<String>> names = new ArrayDeque<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT -> names.push(new HashSet<>());
                    case END_OBJECT -> names.pop();
                    case FIELD_NAME -> {
                        // the parser has read the name, the colon and at most the value's first byte (a quote)
                        if (bad >= 0 && p.currentLocation().getByteOffset() > bad) {
                            throw illFormedUtf8(body, bad, "a name in " + shown(place(p, fields, false)),
                                place(p, fields, false));
                        }
                        String name = p.currentName();
                        int lone = escapes ? loneSurrogate(name) : -1;
                        if (lone >= 0) {
                            throw loneSurrogate(name.charAt(lone), "a name in " + shown(place(p, fields, false)),
                                place(p, fields, false));
                        }
                        if (!names.peek().add(name)) {
                            String object = place(p, fields, false);
                            throw new InvalidInputException("the name \"" + LogText.escape(name) + "\" is given "
                                + "twice in one object" + (object.equals("body") ? "" : " of " + object)
                                + "; each name once (which of the two a reader keeps differs from reader to reader)",
                                fields == Fields.DATA ? "data" : place(p, fields, true));
                        }
                    }
                    case VALUE_STRING -> {
                        char[] text = p.getTextCharacters(); // reads the string to its end
                        if (bad >= 0 && p.currentLocation().getByteOffset() > bad) {
                            throw illFormedUtf8(body, bad, place(p, fields, true), place(p, fields, true));
                        }
                        int lone = escapes ? loneSurrogate(CharBuffer.wrap(text, p.getTextOffset(),
                            p.getTextLength())) : -1;
                        if (lone >= 0) {
                            throw loneSurrogate(text[p.getTextOffset() + lone], place(p, fields, true),
                                place(p, fields, true));
                        }
                    }
                    default -> { }
                }
                if (p.getParsingContext().inRoot()) {
                    break; // the first value is read; the readers read no further (or refuse what follows)
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException refusal) {
                throw refusal;
            }
            // not JSON as far as the parser reads: the reader after this check says what is wrong
        }
        if (bad >= 0) {
            throw illFormedUtf8(body, bad, "the body", "body"); // not inside a string the parser reached
        }
    }

    /**
     * The offset of the first byte in {@code b[from, to)} that does not start a well-formed UTF-8 sequence (or is a
     * NUL), or -1 when all are well-formed. Eight ASCII bytes at a time while there are no others.
     */
    static int illFormed(byte[] b, int from, int to) {
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
    static int sequenceEnd(byte[] b, int i, int to) {
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
    private static int subpart(byte[] b, int i) {
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
     * The body with each ill-formed sequence (from {@code first} on) replaced by as many {@code ?}: the parser reads
     * it without stumbling, and the first one is found again by its offset.
     */
    private static byte[] withoutIllFormed(byte[] body, int first) {
        byte[] out = body.clone();
        int i = first;
        while (i >= 0) {
            int n = subpart(out, i);
            Arrays.fill(out, i, i + n, (byte) '?');
            i = illFormed(out, i + n, out.length);
        }
        return out;
    }

    private static InvalidInputException illFormedUtf8(byte[] body, int at, String what, String field) {
        int c = body[at] & 0xff;
        int length = c >= 0xc0 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf7 ? 4 : 1;
        StringBuilder bytes = new StringBuilder(String.format("%02X", c));
        for (int k = 1; k < length && at + k < body.length && (body[at + k] & 0xc0) == 0x80; k++) {
            bytes.append(' ').append(String.format("%02X", body[at + k] & 0xff));
        }
        return new InvalidInputException(what + " is not well-formed UTF-8: " + bytes + " at byte " + at
            + " of the body is " + kind(body, at) + "; JSON bodies are UTF-8 (RFC 8259), each character in its one "
            + "shortest form (RFC 3629)", field);
    }

    /** What is wrong with the sequence at {@code at}, in words. */
    private static String kind(byte[] b, int at) {
        int c = b[at] & 0xff;
        int second = at + 1 < b.length ? b[at + 1] & 0xff : -1;
        boolean continued = (second & 0xc0) == 0x80;
        if (c == 0) {
            return "a NUL byte, which no JSON text holds (a body in UTF-16 or UTF-32 is not taken)";
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

    private static InvalidInputException loneSurrogate(char c, String what, String field) {
        return new InvalidInputException(what + " holds the escape \\u" + String.format("%04X", (int) c).toLowerCase(
            Locale.ROOT) + ", an unpaired UTF-16 surrogate; JSON text must be valid Unicode (a character beyond U+FFFF "
            + "is escaped as a pair, such as \\ud83d\\ude00)", field);
    }

    /** The index of the first surrogate in {@code s} that is not part of a pair, or -1. */
    static int loneSurrogate(CharSequence s) {
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

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** "the body", or the field as it is. */
    private static String shown(String field) {
        return field.equals("body") ? "the body" : field;
    }

    /**
     * The field of the parser's current place as {@code fields} names it: with the current name or index when
     * {@code withCurrent}, else the object or array that holds it.
     */
    private static String place(JsonParser p, Fields fields, boolean withCurrent) {
        if (fields == Fields.DATA) {
            return "data";
        }
        List<Object> path = new ArrayList<>(); // names and indexes, innermost first
        for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c == p.getParsingContext() && !withCurrent) {
                continue;
            }
            if (c.inObject() && c.getCurrentName() != null) {
                path.add(c.getCurrentName());
            } else if (c.inArray() && c.getCurrentIndex() >= 0) {
                path.add(c.getCurrentIndex());
            }
        }
        Collections.reverse(path);
        return switch (fields) {
            case EVENT -> !path.isEmpty() && path.get(0) instanceof String name ? name : "body";
            case BATCH -> path.isEmpty() || !(path.get(0) instanceof Integer i) ? "body"
                : path.size() > 1 && path.get(1) instanceof String name ? "[" + i + "]." + name : "[" + i + "]";
            default -> {
                StringBuilder out = new StringBuilder();
                for (Object step : path) {
                    if (step instanceof Integer i) {
                        out.append('[').append(i).append(']');
                    } else {
                        out.append(out.length() == 0 ? "" : ".").append(step);
                    }
                }
                yield out.length() == 0 ? "body" : out.toString();
            }
        };
    }
}
