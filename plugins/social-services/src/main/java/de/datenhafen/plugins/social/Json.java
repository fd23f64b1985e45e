package de.datenhafen.plugins.social;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.Utf8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Small helpers over Jackson's tree model, which is how HSDS objects are held here. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** The end of the refusal of a lone surrogate, in the words of the hub's own doors. */
    private static final String UNPAIRED = ", an unpaired UTF-16 surrogate; JSON text must be valid Unicode (a "
        + "character beyond U+FFFF is escaped as a pair, such as \\ud83d\\ude00)";

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /**
     * Parses JSON the directory wrote itself ({@link #bytes}: its stored documents), as Jackson reads it. JSON from
     * outside goes through {@link #parse(byte[], int)}, which holds it to the stricter rules there: a document stored
     * before those rules may hold a lone surrogate escape, and must still load.
     */
    static JsonNode parse(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /**
     * Parses JSON from outside after counting its values (objects, arrays and scalars) in a first pass that builds
     * nothing: a tree costs some 50 to 100 bytes per value, so {@code [{},{},...]} of a few MB would otherwise take
     * hundreds of MB before anything could refuse it.
     *
     * <p>The first pass also holds the body to the rules of the hub's own doors, which Jackson's reader alone does not
     * keep, so that every reader reads an import as the directory does: well-formed UTF-8 ({@link Utf8}: Jackson
     * decodes an overlong {@code C0 AE} as {@code .} without a word, and guesses UTF-16 or UTF-32 from NUL bytes), no
     * string or name with half a surrogate pair alone (a {@code \}{@code uD800} escape), each name once in an object
     * (Jackson keeps the last), and nothing but white space after the value (Jackson stops at its end). Each refusal
     * is a problem of the {@code document} naming the field as a path ({@code services[3].name}), or {@code body}.
     */
    static JsonNode parse(byte[] bytes, int maxValues) {
        return parse(bytes, maxValues, Integer.MAX_VALUE, "max-import-values");
    }

    /**
     * {@link #parse(byte[], int)}, refusing also a body nested deeper than {@code maxDepth} objects and arrays (400);
     * {@code limit} is what a refusal names as the limit, such as {@code max-import-values}.
     */
    static JsonNode parse(byte[] bytes, int maxValues, int maxDepth, String limit) {
        int bad = Utf8.illFormed(bytes, 0, bytes.length);
        if (bad >= 0) {
            String what = "the body";
            throw refused("body", Utf8.refusal(bytes, bad, what, "body", "JSON bodies are UTF-8 (RFC 8259)")
                .getMessage().substring(what.length() + 1)); // "is not well-formed UTF-8: C0 AE at byte 12 ..."
        }
        try (JsonParser p = MAPPER.getFactory().createParser(bytes)) {
            long values = 0;
            ArrayDeque<Set<String>> names = new ArrayDeque<>(); // the names of each open object
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY && t != JsonToken.FIELD_NAME
                    && ++values > maxValues) {
                    throw new ImportRefused(413, "the body holds more than " + maxValues + " JSON values (" + limit
                        + ")");
                }
                if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)
                    && p.getParsingContext().getNestingDepth() > maxDepth) {
                    throw new ImportRefused(400, "the body nests objects and arrays deeper than " + maxDepth
                        + " levels (" + limit + ")");
                }
                switch (t) {
                    case START_OBJECT -> names.push(new HashSet<>());
                    case END_OBJECT -> names.pop();
                    case FIELD_NAME -> {
                        String name = p.currentName();
                        int lone = Utf8.loneSurrogate(name);
                        if (lone >= 0) {
                            throw refused(place(p.getParsingContext().getParent()), "holds a name with the escape "
                                + de.datenhafen.api.JsonProblems.escape(name.charAt(lone)) + UNPAIRED);
                        }
                        if (!names.peek().add(name)) {
                            throw refused(place(p.getParsingContext()), "is given twice in one object; each name "
                                + "once (which of the two a reader keeps differs from reader to reader)");
                        }
                    }
                    case VALUE_STRING -> {
                        char[] text = p.getTextCharacters();
                        int lone = Utf8.loneSurrogate(CharBuffer.wrap(text, p.getTextOffset(), p.getTextLength()));
                        if (lone >= 0) {
                            throw refused(place(p.getParsingContext()), "holds the escape "
                                + de.datenhafen.api.JsonProblems.escape(text[p.getTextOffset() + lone]) + UNPAIRED);
                        }
                    }
                    default -> { }
                }
                if (p.getParsingContext().inRoot()) { // the value is read: nothing but white space may follow
                    if (p.nextToken() != null) {
                        JsonLocation at = p.currentTokenLocation();
                        throw refused("body", "holds more after its JSON value, at line " + at.getLineNr()
                            + ", column " + at.getColumnNr() + ": one value is all it may hold");
                    }
                    break;
                }
            }
        } catch (IOException e) {
            throw invalid(e);
        }
        return parse(bytes);
    }

    private static InvalidDataException refused(String field, String message) {
        return new InvalidDataException(List.of(new Problem("document", "?", field, message)));
    }



    /**
     * Bytes in memory fail only by their content, and not always with a JsonProcessingException: Jackson guesses UTF-16
     * or UTF-32 from the first bytes, and a character past U+10FFFF is a CharConversionException (found by fuzzing).
     * Jackson's message without the names of its own classes, and where in the body when it says.
     */
    private static InvalidDataException invalid(IOException e) {
        return new InvalidDataException(List.of(new Problem("document", "?", "body", "is not valid JSON: "
            + (e instanceof JsonProcessingException j ? de.datenhafen.api.JsonProblems.said(j) : e.getMessage()))));
    }


    /** {@link de.datenhafen.api.JsonProblems#path}, {@code body} for the document itself. */
    private static String place(JsonStreamContext c) {
        String path = de.datenhafen.api.JsonProblems.path(c);
        return path.isEmpty() ? "body" : path;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(JsonNode node) {
        return new String(bytes(node), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A field's text, or null when it is absent, null or empty. */
    static String str(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isEmpty() ? null : s;
    }

    /** The objects of an array field (none when absent). */
    static List<ObjectNode> objects(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        List<ObjectNode> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            for (JsonNode n : v) {
                if (n instanceof ObjectNode o) {
                    out.add(o);
                }
            }
        }
        return out;
    }
}
