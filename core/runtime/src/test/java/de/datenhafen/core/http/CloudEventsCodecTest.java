package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import de.datenhafen.api.InvalidInputException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.data.BytesCloudEventData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The codec's fast path (a body read once with the streaming parser) gives the same events and the same refusals as
 * the full way (tree, per-attribute checks, the SDK's reader), for plain bodies and for every kind it hands on.
 */
class CloudEventsCodecTest {

    private static final String PLAIN = "{\"specversion\":\"1.0\",\"id\":\"r-%d\",\"source\":\"/sensors/co2-s0001\","
        + "\"type\":\"air.reading\",\"time\":\"2026-11-26T08:00:00.007Z\",\"datacontenttype\":\"application/json\","
        + "\"data\":{\"sensorId\":\"co2-s0001\",\"co2ppm\":1372,\"temperatureC\":21.4,\"humidityPct\":50.0}}";

    /** A batch as a person would write it by hand: white space around every token of the envelopes. */
    private static final String PRETTY = "[\n  {\n    \"specversion\" : \"1.0\",\n    \"id\" : \"r-1\",\n"
        + "\t\"source\": \"/sensors/co2-s0002\" ,\r\n    \"type\":\"air.reading\",\n    \"data\" : "
        + "{\"co2ppm\":800,\"temperatureC\":19.5}\n  } ,\n  " + String.format(PLAIN, 2) + "\n]\n";

    static Stream<String> bodies() {
        return Stream.of(
            "[" + String.format(PLAIN, 1) + "," + String.format(PLAIN, 2) + "]",
            "[]",
            "[" + String.format(PLAIN, 1) + "] trailing words",
            // attributes in another order, subject and dataschema, no content type, data of every JSON kind
            "[{\"data\":[1,-0,-0.0,1e3,1e400,12345678901234567890,0.1000000000000000055511151231257827,true,null,"
                + "\"\\u00e4\\u2028\\ud83d\\ude00\",{\"a\":{\"b\":[]}}],\"type\":\"t\",\"subject\":\"a/b\","
                + "\"dataschema\":\"https://example.org/s.json\",\"source\":\"urn:x\",\"id\":\"1\","
                + "\"specversion\":\"1.0\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":\"text as JSON\"}]",
            // data's strings with escapes, control characters and surrogates, paired, lone and out of order
            data("{\"a\":\"\\u0000\\n\\t\\\"\\\\\\/\\u001f\\u007f\u00e9\u20ac\",\"\\u00e4\":[\"\\ud83d\\ude00\"]}"),
            data("\"\\ud83d\""),
            data("[\"x\\ude00y\"]"),
            data("{\"a\":\"\\ud83d\\u0041\"}"),
            data("{\"\\ud83d\":1}"),
            data("\"\\ude00\\ud83d\""),
            // data kept as it came, or written again where the generator writes it otherwise
            data("{\"a\":\"\\b\\f\\r\u00e4\",\"b\":[1.0E10,1.0E-5,-0.0,0.001,123456789012345678,{},[]],\"c\":null}"),
            data("{\"a\":1e3,\"b\":0.0020,\"c\":1.50,\"d\":-0,\"e\":\"\\/\\u0041\"}"),
            data("{ \"a\" : [ 1 , 2 ] }"),
            data("[" + "[".repeat(40) + "]".repeat(40) + "]"),
            data("{\"a\":1,\"b\":{\"c\":2,\"c\":3}}"),
            // names given twice where the data is copied, not kept; the same name in sibling objects; many names
            data("{ \"a\" : 1 , \"a\" : 2 }"),
            data("{\"a\":1.50,\"b\":{\"c\":2,\"c\":3}}"),
            data("[{\"x\":1.50},{\"x\":1,\"y\":2,\"x\":3}]"),
            data("{\"a\":1,\"\\u0061\":2}"),
            data("{\"a\":{\"x\":1.50},\"b\":{\"x\":2},\"x\":[{\"x\":3}]}"),
            data(manyNames(40, false)), data(manyNames(40, true)), data(manyNames(10, true)),
            data("{\"a\":1,\"b\":2"),
            // a name longer than Jackson reads (its limit 50,000): refused by the parser, so never kept unread
            data("{\"" + "k".repeat(60_000) + "\":1}"),
            data("true"), data("-7"), data("21.4"),
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}]",
            // white space between the tokens, none inside the data; attributes the compact reader leaves to the parser
            PRETTY,
            " " + String.format(PLAIN, 3) + " \r\n",
            "[{\"specversion\":\"1.0\",\"id\":\"r-\u00e4\",\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"r-\\u0041\",\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"r-\u007f\",\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"r-\t\",\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"\\u0069d\":\"1\",\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":{}},{}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"},]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":nothing}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":1 2}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"datax\":1}]",
            // times: the common UTC form read by the fast path, every other form by the SDK, impossible ones refused
            times("2026-11-26T08:00:00Z", "2026-11-26T08:00:00.1Z", "2026-11-26T08:00:00.123456789Z",
                "2024-02-29T23:59:59.5Z", "0000-01-01T00:00:00Z", "2026-11-26t08:00:00z", "2026-11-26T08:00:00+01:00"),
            times("2026-02-29T08:00:00Z"),
            times("2026-11-26T24:00:00Z"),
            times("2026-11-26T08:00:60Z"),
            times("2026-11-26T08:00:00.Z"),
            times("2026-11-26T08:00:00.1234567890Z"),
            times("2026-13-26T08:00:00Z"),
            times("2026-11-2xT08:00:00Z"),
            // what the fast path hands on to the full way
            "[{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"/s\",\"type\":\"t\",\"subject\":\"x\","
                + "\"time\":\"2026-11-26T08:00:00Z\",\"datacontenttype\":\"text/plain\",\"data\":\"hi\"},"
                + "{\"specversion\":\"1.0\",\"id\":\"b\",\"source\":\"/s\",\"type\":\"t\",\"data_base64\":\"AAE=\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"traceparent\":\"00-ab\","
                + "\"level\":3,\"sampled\":true}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"subject\":null,\"data\":null}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":1,\"data\":2}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"time\":\"2026-11-26T08:00:00Z\","
                + "\"subject\":\"a\",\"time\":\"2026-11-26T09:00:00Z\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":{\"a\":1,\"a\":2}}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"datacontenttype\":\"application/cloudevents+json; charset=utf-8\",\"data\":{\"a\":1}}]",
            // refusals
            "[" + String.format(PLAIN, 1) + ",{\"specversion\":\"1.0\",\"id\":\"\",\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"time\":\"2026-11-26T08:00Z\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"time\":\"2026-02-30T08:00:00Z\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"a b\",\"type\":\"t\"}]",
            "[{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"id\":7,\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"subject\":\"\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"a\\u0000b\",\"source\":\"/s\",\"type\":\"t\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"datacontenttype\":\"json\"}]",
            "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":{\"a\":1}",
            "[" + String.format(PLAIN, 1) + ",{\"specversion\":\"1.0\",\"id\":\"\"}, oops]",
            "[" + String.format(PLAIN, 1) + ", 3]",
            "{\"a\":1}",
            String.format(PLAIN, 1),
            "\"just text\"",
            "",
            "   ",
            "[" + "[".repeat(2000) + "]".repeat(2000) + "]");
    }

    @Test
    void aRefusalOfJsonTooDeepOrBrokenNamesTheProblemNotTheParsersInternals() {
        for (String body : List.of(data("[".repeat(1500) + "]".repeat(1500)),
            "[" + "[".repeat(2000) + "]".repeat(2000) + "]", data("{\"a\": tru}"))) {
            InvalidInputException refusal = catchThrowableOfType(
                () -> CloudEventsCodec.batch(body.getBytes(StandardCharsets.UTF_8)), InvalidInputException.class);

            assertThat(refusal).as(body.substring(0, 60)).isNotNull();
            assertThat(refusal.getMessage()).doesNotContain("StreamReadConstraints", "`", "Source", "REDACTED",
                "com.fasterxml", "Exception");
        }
    }

    /** An object of {@code n} names, its last name the first again when {@code twice}, kept or copied alike. */
    private static String manyNames(int n, boolean twice) {
        StringBuilder object = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            object.append(i == 0 ? "" : ",").append("\"n").append(twice && i == n - 1 ? 0 : i).append("\":").append(i);
        }
        return object.append("}").toString();
    }

    private static String data(String json) {
        return "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":" + json + "}]";
    }

    private static String times(String... times) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < times.length; i++) {
            out.append(i == 0 ? "" : ",").append("{\"specversion\":\"1.0\",\"id\":\"").append(i)
                .append("\",\"source\":\"/s\",\"type\":\"t\",\"time\":\"").append(times[i]).append("\"}");
        }
        return out.append("]").toString();
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void batchGivesWhatTheFullWayGives(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(outcome(CloudEventsCodec::batch, bytes)).isEqualTo(outcome(CloudEventsCodec::batchFromTree, bytes));
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void structuredGivesWhatTheFullWayGives(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(outcome(b -> List.of(CloudEventsCodec.structured(b)), bytes))
            .isEqualTo(outcome(b -> List.of(CloudEventsCodec.structuredFromTree(b)), bytes));
    }

    @Test
    void plainBatchIsReadOnTheFastPathWithTheFullWaysData() {
        byte[] body = ("[" + String.format(PLAIN, 1) + "]").getBytes(StandardCharsets.UTF_8);

        CloudEvent event = CloudEventsCodec.batch(body).get(0);

        assertThat(event.getData()).isInstanceOf(BytesCloudEventData.class);
        assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8))
            .isEqualTo("{\"sensorId\":\"co2-s0001\",\"co2ppm\":1372,\"temperatureC\":21.4,\"humidityPct\":50.0}");
        assertThat(event.getTime()).hasToString("2026-11-26T08:00:00.007Z");
    }

    @Test
    void theCompactReaderTakesPlainBodiesAndGivesWhatTheFullWayGives() {
        for (String body : List.of("[" + String.format(PLAIN, 1) + "," + String.format(PLAIN, 2) + "]", PRETTY)) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

            List<CloudEvent> compact = CompactEnvelopes.read(bytes, true);

            assertThat(compact).as(body).hasSize(2);
            assertThat(outcome(b -> compact, bytes)).isEqualTo(outcome(CloudEventsCodec::batchFromTree, bytes));
        }
        byte[] one = String.format(PLAIN, 7).getBytes(StandardCharsets.UTF_8);
        assertThat(CompactEnvelopes.read(one, false)).hasSize(1);
        assertThat(CompactEnvelopes.read(one, true)).isNull();
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void whatTheCompactReaderTakesIsWhatTheFullWayGives(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (boolean array : new boolean[] {true, false}) {
            List<CloudEvent> compact = CompactEnvelopes.read(bytes, array);
            if (compact != null) {
                Function<byte[], List<CloudEvent>> full = array ? CloudEventsCodec::batchFromTree
                    : b -> List.of(CloudEventsCodec.structuredFromTree(b));
                assertThat(outcome(b -> compact, bytes)).as(body).isEqualTo(outcome(full, bytes));
            }
        }
    }

    @Test
    void onlyShortAttributeValuesAreSharedBetweenBodies() {
        // shared values are kept before the event's checks: a long one, of a body refused after, must not stay behind
        String shortSubject = "gs-nord/1.01";
        String longSubject = "s/" + "x".repeat(600);
        List<CloudEvent> first = CompactEnvelopes.read(subjects(shortSubject, longSubject), true);
        List<CloudEvent> again = CompactEnvelopes.read(subjects(shortSubject, longSubject), true);

        assertThat(again.get(0).getSubject()).isSameAs(first.get(0).getSubject());
        assertThat(again.get(1).getSubject()).isEqualTo(longSubject).isNotSameAs(first.get(1).getSubject());
    }

    private static byte[] subjects(String... subjects) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < subjects.length; i++) {
            out.append(i == 0 ? "" : ",").append("{\"specversion\":\"1.0\",\"id\":\"").append(i)
                .append("\",\"source\":\"/s\",\"type\":\"t\",\"subject\":\"").append(subjects[i]).append("\"}");
        }
        return out.append("]").toString().getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"r-\u00e4", "r-\\u0041", "r-\\/x", "r-\ud83d\ude00"})
    void theCompactReaderLeavesEscapedOrNonAsciiAttributesToTheParser(String id) {
        byte[] body = ("[{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/s\",\"type\":\"t\"}]")
            .getBytes(StandardCharsets.UTF_8);

        assertThat(CompactEnvelopes.read(body, true)).isNull();
        assertThat(CloudEventsCodec.batch(body)).hasSize(1);
    }

    /** What a caller sees: each event's attributes, data bytes and JSON form, or the refusal's message and field. */
    private static String outcome(Function<byte[], List<CloudEvent>> read, byte[] body) {
        InvalidInputException refusal = catchThrowableOfType(() -> read.apply(body), InvalidInputException.class);
        if (refusal != null) {
            return "refused: " + refusal.getMessage() + " @ " + refusal.field();
        }
        StringBuilder out = new StringBuilder();
        for (CloudEvent e : read.apply(body)) {
            out.append(e.getId()).append('|').append(e.getSource()).append('|').append(e.getType()).append('|')
                .append(e.getSubject()).append('|').append(e.getTime()).append('|').append(e.getDataContentType())
                .append('|').append(e.getDataSchema()).append('|').append(e.getExtensionNames()).append('|')
                .append(e.getData() == null ? null : new String(e.getData().toBytes(), StandardCharsets.UTF_8))
                .append('|').append(CloudEventsCodec.toJson(e)).append('\n');
        }
        return out.toString();
    }
}
