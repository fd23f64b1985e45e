package de.datenhafen.core.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.Utf8;
import java.io.IOException;
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

    /** {@link Utf8#illFormed}: kept here for the hub's readers of JSON. */
    static int illFormed(byte[] b, int from, int to) {
        return Utf8.illFormed(b, from, to);
    }

    /**
     * The body with each ill-formed sequence (from {@code first} on) replaced by as many {@code ?}: the parser reads
     * it without stumbling, and the first one is found again by its offset.
     */
    private static byte[] withoutIllFormed(byte[] body, int first) {
        byte[] out = body.clone();
        int i = first;
        while (i >= 0) {
            int n = Utf8.subpart(out, i);
            Arrays.fill(out, i, i + n, (byte) '?');
            i = illFormed(out, i + n, out.length);
        }
        return out;
    }

    private static InvalidInputException illFormedUtf8(byte[] body, int at, String what, String field) {
        return Utf8.refusal(body, at, what, field, "JSON bodies are UTF-8 (RFC 8259)");
    }

    private static InvalidInputException loneSurrogate(char c, String what, String field) {
        return new InvalidInputException(what + " holds the escape \\u" + String.format("%04X", (int) c).toLowerCase(
            Locale.ROOT) + ", an unpaired UTF-16 surrogate; JSON text must be valid Unicode (a character beyond U+FFFF "
            + "is escaped as a pair, such as \\ud83d\\ude00)", field);
    }

    static int loneSurrogate(CharSequence s) {
        return Utf8.loneSurrogate(s);
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
