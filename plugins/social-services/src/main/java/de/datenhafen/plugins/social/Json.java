package de.datenhafen.plugins.social;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Small helpers over Jackson's tree model, which is how HSDS objects are held here. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

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
     */
    static JsonNode parse(byte[] bytes, int maxValues) {
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(bytes)) {
            long values = 0;
            for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t != com.fasterxml.jackson.core.JsonToken.END_OBJECT
                    && t != com.fasterxml.jackson.core.JsonToken.END_ARRAY
                    && t != com.fasterxml.jackson.core.JsonToken.FIELD_NAME && ++values > maxValues) {
                    throw new ImportRefused(413, "the body holds more than " + maxValues
                        + " JSON values (max-import-values)");
                }
            }
        } catch (IOException e) {
            throw invalid(e);
        }
        return parse(bytes);
    }

    /**
     * Bytes in memory fail only by their content, and not always with a JsonProcessingException: Jackson guesses UTF-16
     * or UTF-32 from the first bytes, and a character past U+10FFFF is a CharConversionException (found by fuzzing).
     */
    private static InvalidDataException invalid(IOException e) {
        return new InvalidDataException(List.of(new Problem("document", "?", "body", "is not valid JSON: "
            + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()))));
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
