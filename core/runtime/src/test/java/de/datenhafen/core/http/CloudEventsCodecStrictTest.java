package de.datenhafen.core.http;

import static de.datenhafen.core.http.StrictJsonTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import de.datenhafen.api.InvalidInputException;
import io.cloudevents.CloudEvent;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whichever way the codec reads a body (the compact reader, the streaming parser, the tree), ill-formed UTF-8, an
 * escaped half of a surrogate pair alone and a name given twice are refused, naming the attribute or {@code data};
 * none of them becomes an event whose text differs from what a reader in front of the hub saw.
 */
class CloudEventsCodecStrictTest {

    private static final String HEAD = "\"specversion\":\"1.0\",\"type\":\"t\",";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // the probe's findings: a ../ in overlong forms, a / in data, an encoded surrogate
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/p<C0><AE><C0><AE><C0><AF>\"}                  | source",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"data\":{\"a\":\"<C0><AF>\"}}            | data",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"data\":{\"a\":\"<ED><A0><80>\"}}        | data",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"data\":{\"a\":1.50,\"b\":\"<ED><A0><80>\"}} | data",
        "{" + HEAD + "\"id\":\"<F4><90><80><80>\",\"source\":\"/s\"}                           | id",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"subject\":\"caf<C3>\"}                  | subject",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"comexample\":\"<C0><AF>\"}              | comexample",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"datacontenttype\":\"text/plain\",\"data\":\"<C0><AF>\"} | data",
        // lone surrogates from escapes, in the data (the attributes were refused before)
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"data\":{\"x\":\"a\\ud800\"}}            | data",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"data\":[\"\\ude00\"]}                   | data",
        // names given twice: in the envelope, in the data, at any depth
        "{" + HEAD + "\"id\":\"dup1\",\"id\":\"dup2\",\"source\":\"/s\"}                       | id",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"comexample\":\"a\",\"comexample\":\"b\"} | comexample",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"data\":{\"a\":1,\"a\":2}}               | data",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"data\":{\"a\":{\"b\":[{\"c\":1,\"c\":1}]}}} | data"})
    void aStructuredEventIsRefusedOnEveryWayNamingTheField(String body, String field) {
        byte[] b = bytes(body);

        assertThat(refusal(bb -> List.of(CloudEventsCodec.structured(bb)), b)).isEqualTo(field);
        assertThat(refusal(bb -> List.of(CloudEventsCodec.structuredFromTree(bb)), b)).isEqualTo(field);
        byte[] batch = bytes("[{" + HEAD + "\"id\":\"0\",\"source\":\"/s\"}," + body + "]");
        assertThat(refusal(CloudEventsCodec::batch, batch)).isEqualTo("[1]." + field);
        assertThat(refusal(CloudEventsCodec::batchFromTree, batch)).isEqualTo("[1]." + field);
    }

    @Test
    void theProbesEventIsRefusedWithAMessageSayingWhatIsWrong() {
        byte[] body = bytes("{" + HEAD + "\"id\":\"1\",\"source\":\"/p<C0><AE><C0><AE><C0><AF>\"}");

        InvalidInputException refusal = catchThrowableOfType(() -> CloudEventsCodec.structured(body),
            InvalidInputException.class);

        assertThat(refusal.getMessage()).startsWith("source is not well-formed UTF-8: C0 AE at byte 53 of the body is "
            + "an overlong form");
    }

    @Test
    void wellFormedTextOfEveryLengthIsStillTaken() {
        byte[] body = bytes("[{" + HEAD + "\"id\":\"\u00e4\",\"source\":\"/s\",\"subject\":\"\ud83d\ude00\","
            + "\"data\":{\"a\":\"\\ud83d\\ude00\",\"b\":\"<E2><82><AC><F0><9F><98><80>\",\"\\u0062b\":1}}]");

        List<CloudEvent> events = CloudEventsCodec.batch(body);

        assertThat(events.get(0).getSubject()).isEqualTo("\ud83d\ude00");
        assertThat(new String(events.get(0).getData().toBytes(), StandardCharsets.UTF_8))
            .isEqualTo("{\"a\":\"\ud83d\ude00\",\"b\":\"\u20ac\ud83d\ude00\",\"bb\":1}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"a\":\"<C0><AF>\"}", "{\"a\":\"<ED><A0><80>\"}", "{\"x\":\"a\\ud800\"}", "{\"a\":1,\"a\":2}",
        "[{\"a\":{\"b\":1,\"b\":2}}]"})
    void binaryModeJsonDataIsRefusedNamingTheData(String data) {
        InvalidInputException refusal = catchThrowableOfType(() -> CloudEventsCodec.binary(headers(
            "ce-source", "/s"), bytes(data)), InvalidInputException.class);

        assertThat(refusal).isNotNull();
        assertThat(refusal.field()).isEqualTo("data");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[{" + HEAD + "\"id\":\"1\",\"source\":\"/s\"}] trailing words | batch",
        "[{" + HEAD + "\"id\":\"1\",\"source\":\"/s\"}][]              | batch",
        "[{" + HEAD + "\"id\":\"1\",\"source\":\"/s\",\"data\":{\"a\":1}}] 7 | batch",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\"} {\"id\":\"2\"}       | structured",
        "{" + HEAD + "\"id\":\"1\",\"source\":\"/s\"}}                        | structured"})
    void aBodyWithMoreAfterItsJsonValueIsRefusedNamingTheBody(String body, String mode) {
        byte[] b = bytes(body);
        List<Function<byte[], List<CloudEvent>>> ways = mode.equals("batch")
            ? List.of(CloudEventsCodec::batch, CloudEventsCodec::batchFromTree)
            : List.of(bb -> List.of(CloudEventsCodec.structured(bb)), bb -> List.of(CloudEventsCodec.structuredFromTree(bb)));

        for (Function<byte[], List<CloudEvent>> way : ways) {
            assertThat(refusal(way, b)).isEqualTo("body");
        }
        // white space after the value is no more than that
        assertThat(mode.equals("batch") ? CloudEventsCodec.batch(bytes(body.substring(0, body.indexOf(']') + 1)
            + " \r\n\t")) : List.of(CloudEventsCodec.structured(bytes(body.substring(0, body.indexOf('}') + 1)
            + " \n")))).hasSize(1);
    }

    @Test
    void binaryModeJsonDataWithMoreAfterItsValueIsRefusedNamingTheData() {
        InvalidInputException refusal = catchThrowableOfType(() -> CloudEventsCodec.binary(headers("ce-source", "/s"),
            bytes("{\"a\":1} {\"b\":2}")), InvalidInputException.class);

        assertThat(refusal).isNotNull();
        assertThat(refusal.field()).isEqualTo("data");
        assertThat(refusal.getMessage()).contains("more after the JSON value, at line 1, column 9");
    }

    @Test
    void binaryModeDataOfAnotherTypeIsBytesAndNotChecked() {
        MultiMap headers = headers("ce-source", "/s").set("Content-Type", "application/octet-stream");

        CloudEvent event = CloudEventsCodec.binary(headers, bytes("<C0><AF><FF>"));

        assertThat(event.getData().toBytes()).containsExactly(0xc0, 0xaf, 0xff);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/p%C0%AE%C0%AE%C0%AF | holds percent-encoded bytes that are not well-formed UTF-8 (%C0%AE%C0%AE%C0%AF at",
        "/s%ED%A0%80          | holds percent-encoded bytes that are not well-formed UTF-8 (%ED%A0%80 at position 2)",
        "/s%E2%82             | holds percent-encoded bytes that are not well-formed UTF-8 (%E2%82 at position 2)",
        "/s%FF                | holds percent-encoded bytes that are not well-formed UTF-8 (%FF at position 2)",
        "/s%2                 | has a broken percent-encoding",
        "/s\u00c3\u00a9       | holds the byte C3 at position 2, outside ASCII"})
    void binaryModeAttributeHeadersAreUtf8PercentEncoded(String source, String problem) {
        InvalidInputException refusal = catchThrowableOfType(() -> CloudEventsCodec.binary(headers("ce-source", source),
            bytes("{}")), InvalidInputException.class);

        assertThat(refusal).isNotNull();
        assertThat(refusal.field()).isEqualTo("ce-source");
        assertThat(refusal.getMessage()).startsWith("ce-source " + problem);
    }

    @Test
    void binaryModePercentEncodedUtf8IsDecoded() {
        CloudEvent event = CloudEventsCodec.binary(headers("ce-source", "/s",
            "ce-subject", "Schule%20am%20See%2FRaum%20%C3%BC+%F0%9F%98%80"), bytes("{}"));

        assertThat(event.getSubject()).isEqualTo("Schule am See/Raum \u00fc+\ud83d\ude00");
    }

    private static MultiMap headers(String... more) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().set("ce-specversion", "1.0").set("ce-id", "1")
            .set("ce-type", "t").set("Content-Type", "application/json");
        for (int i = 0; i < more.length; i += 2) {
            h.set(more[i], more[i + 1]);
        }
        return h;
    }

    /** The field the refusal names; fails when the body is taken. */
    private static String refusal(Function<byte[], List<CloudEvent>> read, byte[] body) {
        InvalidInputException refusal = catchThrowableOfType(() -> read.apply(body), InvalidInputException.class);
        assertThat(refusal).as(new String(body, StandardCharsets.ISO_8859_1)).isNotNull();
        return refusal.field();
    }
}
