package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A value's bytes are kept as they came only when the generator would write the same bytes again; every other form
 * (white space, other escapes, numbers the generator writes otherwise, broken UTF-8, deep nesting) is left to it.
 */
class CanonicalJsonTest {

    private static final JsonFactory JSON = JsonFactory.builder()
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"sensorId\":\"co2-s0001\",\"ts\":\"2026-11-26T08:00:00.000Z\",\"co2ppm\":1372,\"temperatureC\":21.4}",
        "{}", "[]", "[[],{},[{}]]", "true", "false", "null", "0", "-7", "123456789012345678", "-0.0", "0.001",
        "1.0E10", "1.0E-5", "21.4", "50.0", "\"\"", "\"a\\\"b\\\\c\\b\\f\\n\\r\\t\"", "\"\u00e4\u20ac\ud83d\ude00\u2028\"",
        "\"\u007f\"", "{\"a\":{\"b\":[1,2.5,\"x\",null]}}",
        // the same name in different objects, and names that differ only in their last byte or in length
        "{\"a\":{\"x\":1},\"b\":{\"x\":2},\"x\":[{\"x\":3}]}", "{\"ab\":1,\"ac\":2,\"a\":3,\"abc\":4}"})
    void keepsWhatTheGeneratorWritesTheSame(String value) throws IOException {
        String json = "[" + value + "]"; // as in a body, something follows each value
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        assertThat(CanonicalJson.end(bytes, 0)).isEqualTo(bytes.length);
        assertThat(new String(generated(bytes), StandardCharsets.UTF_8)).isEqualTo(json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{ }", "[1, 2]", "{\"a\" :1}", "\"\\/\"", "\"\\u0041\"", "\"\\u001f\"", "-0", "1e3", "1E3", "1.50",
        "0.0020", "1e400", "1234567890123456789", "0.1000000000000000055511151231257827", "01", "1.", ".5", "tru",
        "nul", "{\"a\":1,}", "[1,]", "{\"a\"}", "\"unterminated", "[1", "+1", "1 ",
        // a name given twice in one object, at any depth; the generator's copy refuses it
        "{\"a\":1,\"a\":2}", "{\"a\":1,\"b\":{\"c\":2,\"d\":{},\"c\":3}}", "[{\"x\":1},{\"x\":1,\"y\":2,\"x\":3}]",
        "{\"\u00e4\":1,\"\u00e4\":2}"})
    void leavesEveryOtherFormToTheGenerator(String value) {
        assertThat(CanonicalJson.end(("[" + value + "]").getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(-1);
    }

    @org.junit.jupiter.api.Test
    void aNumberAskedAgainGetsTheSameAnswerAsDoubleToStringGives() {
        // canonical short numbers are remembered: asked again, each must still get the double's own answer, and a
        // number that is not canonical must never be taken for one it shares a slot with
        java.util.Random random = new java.util.Random(17);
        for (int n = 0; n < 20_000; n++) {
            String text = switch (n % 4) {
                case 0 -> (random.nextInt(2000) - 1000) / 10.0 + "";
                case 1 -> random.nextInt(100) + "." + random.nextInt(1000);
                case 2 -> "0.00" + random.nextInt(100);
                default -> random.nextInt(10) + "." + random.nextInt(10) + "E" + (random.nextInt(30) - 15);
            };
            boolean canonical = Double.toString(Double.parseDouble(text)).equals(text);
            byte[] bytes = ("[" + text + "]").getBytes(StandardCharsets.UTF_8);
            for (int ask = 0; ask < 2; ask++) {
                assertThat(CanonicalJson.end(bytes, 0)).as(text).isEqualTo(canonical ? bytes.length : -1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"22c0af22", "22e0808022", "22eda08022", "22f490808022", "22f080808022", "22c322", "22ff22",
        "220122", "22c3"})
    void leavesBrokenOrOverlongUtf8AndControlCharactersToTheParser(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        assertThat(CanonicalJson.end(bytes, 0)).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(ints = {CanonicalJson.MAX_DEPTH, CanonicalJson.MAX_DEPTH + 1})
    void keepsNestingUpToItsDepth(int depth) {
        byte[] bytes = ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);

        assertThat(CanonicalJson.end(bytes, 0)).isEqualTo(depth <= CanonicalJson.MAX_DEPTH ? bytes.length : -1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"data\":{\"a\":[1,2]},\"id\":\"x\"}"})
    void endsWhereTheValueEndsInsideABody(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        assertThat(CanonicalJson.end(bytes, 8)).isEqualTo(body.indexOf(",\"id\""));
    }

    /** What the codec's copy writes for the value: the parser's tokens through the UTF-8 generator. */
    private static byte[] generated(byte[] json) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder();
        try (JsonParser p = JSON.createParser(json); JsonGenerator g = JSON.createGenerator(out)) {
            p.nextToken();
            g.copyCurrentStructure(p);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {CanonicalJson.MAX_NAMES, CanonicalJson.MAX_NAMES + 1})
    void comparesTheNamesOfAnObjectUpToItsLimit(int names) {
        StringBuilder object = new StringBuilder("[{");
        for (int i = 0; i < names; i++) {
            object.append(i == 0 ? "" : ",").append("\"n").append(i).append("\":").append(i);
        }
        byte[] bytes = object.append("}]").toString().getBytes(StandardCharsets.UTF_8);

        assertThat(CanonicalJson.end(bytes, 0)).isEqualTo(names <= CanonicalJson.MAX_NAMES ? bytes.length : -1);
    }
}
