package de.datenhafen.plugins.airquality.sta;

import static de.datenhafen.testkit.Bytes.withBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * SensorThings create and update bodies held to the rules of the hub's own doors ({@link StaService#readJson}):
 * well-formed UTF-8, no lone surrogate, each name once, nothing after the object; each refusal a 400 naming the field.
 */
class StrictBodiesTest {

    private static final String UNIQUE = "(which of the two a reader keeps differs from reader to reader)";

    private static JsonNode read(String body) {
        return StaService.readJson(body.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(Runnable read, String field, String message) {
        assertThatThrownBy(read::run).isInstanceOfSatisfying(StaException.class, e -> {
            assertThat(e.status).isEqualTo(400);
            assertThat(e.field).isEqualTo(field);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void refusesIllFormedUtf8NamingTheBytesAndTheirOffset() {
        // Jackson alone read C0 AE C0 AE C0 AF as "../" and ED A0 80 as a lone surrogate
        assertRefused(() -> StaService.readJson(withBytes("{\"name\": \"/p%s\", \"description\": \"x\"}",
            0xC0, 0xAE, 0xC0, 0xAE, 0xC0, 0xAF)), "body", "the body is not well-formed UTF-8: C0 AE at byte 12 "
            + "of the body is an overlong form (a character written with more bytes than it takes); JSON bodies are "
            + "UTF-8 (RFC 8259), each character in its one shortest form (RFC 3629)");
        assertThatThrownBy(() -> StaService.readJson(withBytes("{\"name\": \"Br%scke\"}", 0xED, 0xA0, 0x80)))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.field).isEqualTo("body");
                assertThat(e.getMessage()).startsWith("the body is not well-formed UTF-8: ED A0 80 at byte 12 of the "
                    + "body is an encoded surrogate");
            });
        assertThatThrownBy(() -> StaService.readJson(withBytes("{\"name\": \"%s\"}", 0xF4, 0x90, 0x80, 0x80)))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.getMessage())
                .contains("F4 90 80 80 at byte 10 of the body is a code point beyond U+10FFFF"));
    }

    @Test
    void refusesALoneSurrogateEscapeNamingItsField() {
        assertRefused(() -> read("{\"name\": \"Au\\uD800enstelle\"}"), "name",
            "name holds an unpaired UTF-16 surrogate at position 2; text must be valid Unicode");
        assertRefused(() -> read("{\"name\": \"Pegel\", \"Locations\": [{\"name\": \"Br\\udc00cke\"}]}"),
            "Locations/name", "Locations/name holds an unpaired UTF-16 surrogate at position 2; text must be valid "
                + "Unicode");
    }

    @Test
    void refusesANameGivenTwiceNamingIt() {
        // Jackson's tree kept the last of each
        assertRefused(() -> read("{\"name\": \"Pegel\", \"description\": \"gauge\", \"name\": \"Wehr\"}"), "name",
            "name is given twice in one object; each name once " + UNIQUE);
        assertRefused(() -> read("{\"name\": \"Pegel\", \"Locations\": [{\"name\": \"Ufer\", \"location\": "
            + "{\"type\": \"Point\", \"coordinates\": [10.7, 53.9], \"coordinates\": [0, 0]}}]}"),
            "Locations/location/coordinates", "Locations/location/coordinates is given twice in one object; each "
                + "name once " + UNIQUE);
    }

    @Test
    void refusesContentAfterTheObjectSayingWhere() {
        // Jackson's tree reader stopped at the first object's end and took the body
        assertRefused(() -> read("{\"name\": \"a\"} {\"name\": \"b\"}"), "body", "the body holds more after its "
            + "JSON value, at line 1, column 15: send one JSON object, nothing after it");
        assertRefused(() -> read("{\"name\": \"a\"}\n[]"), "body", "the body holds more after its JSON value, at "
            + "line 2, column 1: send one JSON object, nothing after it");
        assertThatThrownBy(() -> read("{\"name\": \"a\"} x")).isInstanceOfSatisfying(StaException.class, e -> {
            assertThat(e.field).isEqualTo("body");
            assertThat(e.getMessage()).startsWith("the body is not JSON: Unrecognized token 'x'")
                .endsWith("(line 1, column 16)").doesNotContain("`", "com.fasterxml", "Source");
        });
        assertThat(read("{\"name\": \"a\"}\r\n\t ").get("name").asText()).isEqualTo("a");
    }

    @Test
    void takesTextBeyondAsciiAndEscapedPairsAndReadsTheTreeAsJacksonDoes() throws Exception {
        String body = "{\"name\": \"Lüftung 12 € 😀 \\ud83d\\ude00\", \"description\": \"Straße\", \"properties\": "
            + "{\"Größe\": [1, -2147483649, 123456789012345678901234567890, 1.5, 1e400, true, false, null, {}, []], "
            + "\"\\uD83C\\uDF0A\": {\"a\": \"b\"}}}";

        JsonNode j = read(body);

        assertThat(j.get("name").asText()).isEqualTo("Lüftung 12 € 😀 😀");
        assertThat(j).isEqualTo(StaService.JSON.readTree(body));
        assertThat(j.get("properties").get("Größe").get(1).isLong()).isTrue();
        assertThat(j.get("properties").get("Größe").get(2).isBigInteger()).isTrue();
        assertThat(j.get("properties").get("Größe").get(4).asDouble()).isInfinite();
    }
}
