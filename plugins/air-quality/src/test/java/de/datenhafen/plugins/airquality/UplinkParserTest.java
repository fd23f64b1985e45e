package de.datenhafen.plugins.airquality;

import static de.datenhafen.testkit.Bytes.withBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class UplinkParserTest {

    static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");
    private final UplinkParser parser = new UplinkParser(FieldMapping.DEFAULT, Duration.ofMinutes(10),
        Clock.fixed(NOW, ZoneOffset.UTC));

    static String tts(String eui, String time, String payload) {
        return "{\"end_device_ids\":{\"device_id\":\"eui-" + eui.toLowerCase() + "\",\"application_ids\":"
            + "{\"application_id\":\"schools\"},\"dev_eui\":\"" + eui + "\"},\"correlation_ids\":[\"as:up:01\"],"
            + "\"received_at\":\"" + time + "\",\"uplink_message\":{\"f_port\":1,\"frm_payload\":\"AQID\","
            + "\"decoded_payload\":" + payload + ",\"rx_metadata\":[{\"gateway_ids\":{\"gateway_id\":\"gw-1\"},"
            + "\"rssi\":-97}],\"received_at\":\"" + time + "\"}}";
    }

    static String chirpstack(String eui, String time, String object) {
        return "{\"deduplicationId\":\"3ac7e3c4-4401-4b8d-9386-a5c902f9202d\",\"time\":\"" + time + "\","
            + "\"deviceInfo\":{\"tenantName\":\"Schools\",\"applicationName\":\"air\",\"deviceName\":\"m-1\","
            + "\"devEui\":\"" + eui + "\"},\"devAddr\":\"00189440\",\"fCnt\":7,\"fPort\":1,\"data\":\"AQID\","
            + "\"object\":" + object + "}";
    }

    private UplinkParser.Result parse(String body) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheThingsStackUplinkMessage() {
        UplinkParser.Result r = parse(tts("70B3D57ED0000001", "2026-11-26T08:55:00.123456789Z",
            "{\"co2\":812,\"temperature\":21.4,\"humidity\":44,\"pressure\":1013.2}"));

        assertThat(r.problems()).isEmpty();
        assertThat(r.readings()).extracting(UplinkParser.Indexed::reading).containsExactly(new Reading(
            "70B3D57ED0000001", Instant.parse("2026-11-26T08:55:00.123456789Z"), 812, 21.4, 44, 1013.2));
    }

    @Test
    void readsChirpStackEventsWithLowerCaseEuiAndNoPressure() {
        UplinkParser.Result r = parse("[" + chirpstack("0101010101010101", "2026-11-26T08:50:00+00:00",
            "{\"co2\":1500,\"temperature\":23,\"humidity\":51.5}") + "]");

        assertThat(r.readings()).extracting(UplinkParser.Indexed::reading).containsExactly(new Reading(
            "0101010101010101", Instant.parse("2026-11-26T08:50:00Z"), 1500, 23, 51.5, null));
    }

    @Test
    void readsThePlainBatchForm() {
        UplinkParser.Result r = parse("[{\"device\":\"aa:bb:cc:dd:ee:ff:00:11\",\"time\":\"2026-11-26T09:00:00+01:00\","
            + "\"co2\":600,\"temperature\":20.5,\"humidity\":40},{\"device\":\"AABBCCDDEEFF0011\","
            + "\"time\":\"2026-11-26T07:05:00Z\",\"co2\":610,\"temperature\":20.6,\"humidity\":40.2,\"pressure\":1001}]");

        assertThat(r.problems()).isEmpty();
        assertThat(r.readings()).hasSize(2);
        assertThat(r.readings().get(0).reading().device()).isEqualTo("AABBCCDDEEFF0011");
        assertThat(r.readings().get(0).reading().time()).isEqualTo(Instant.parse("2026-11-26T08:00:00Z"));
    }

    @Test
    void appliesTheConfiguredFieldMappingToDecodedPayloads() {
        UplinkParser mapped = new UplinkParser(new FieldMapping("sensors.CO2", "sensors.TempC", "Hum", "Press"),
            Duration.ofMinutes(10), Clock.fixed(NOW, ZoneOffset.UTC));

        UplinkParser.Result r = mapped.parse(tts("70B3D57ED0000001", "2026-11-26T08:55:00Z",
            "{\"sensors\":{\"CO2\":999,\"TempC\":19.5},\"Hum\":61}").getBytes(StandardCharsets.UTF_8));

        assertThat(r.problems()).isEmpty();
        assertThat(r.readings().get(0).reading().co2()).isEqualTo(999);
        assertThat(r.readings().get(0).reading().temperature()).isEqualTo(19.5);
    }

    @Test
    void namesDeviceAndFieldOfEachImpossibleOrMissingValueAndKeepsTheRest() {
        UplinkParser.Result r = parse("["
            + "{\"device\":\"0000000000000001\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":-5,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000002\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000003\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":40001,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000004\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":500,\"temperature\":20,\"humidity\":101},"
            + "{\"device\":\"0000000000000005\",\"time\":\"2026-11-26T09:30:00Z\",\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000006\",\"time\":\"2026-11-26T08:00:00Z\",\"temperature\":20,\"humidity\":40},"
            + "{\"time\":\"2026-11-26T08:00:00Z\",\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000008\",\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000009\",\"time\":\"yesterday\",\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"000000000000000A\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":\"high\",\"temperature\":20,\"humidity\":40}"
            + "]");

        assertThat(r.readings()).extracting(UplinkParser.Indexed::index).containsExactly(1);
        assertThat(r.problems()).extracting(Problem::index, Problem::device, Problem::field).containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "0000000000000001", "co2"),
            org.assertj.core.groups.Tuple.tuple(2, "0000000000000003", "co2"),
            org.assertj.core.groups.Tuple.tuple(3, "0000000000000004", "humidity"),
            org.assertj.core.groups.Tuple.tuple(4, "0000000000000005", "time"),
            org.assertj.core.groups.Tuple.tuple(5, "0000000000000006", "co2"),
            org.assertj.core.groups.Tuple.tuple(6, null, "device"),
            org.assertj.core.groups.Tuple.tuple(7, "0000000000000008", "time"),
            org.assertj.core.groups.Tuple.tuple(8, "0000000000000009", "time"),
            org.assertj.core.groups.Tuple.tuple(9, "000000000000000A", "co2"));
        assertThat(r.problems().get(0).error()).isEqualTo("-5.0 is impossible: it must be between 0 and 40000");
        assertThat(r.problems().get(3).error()).contains("is in the future");
    }

    @Test
    void saysWhenTheNetworkServerSentNoDecodedPayload() {
        UplinkParser.Result r = parse("{\"end_device_ids\":{\"dev_eui\":\"70B3D57ED0000001\"},"
            + "\"received_at\":\"2026-11-26T08:55:00Z\",\"uplink_message\":{\"frm_payload\":\"AQID\"}}");

        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.device()).isEqualTo("70B3D57ED0000001");
            assertThat(p.field()).isEqualTo("decoded payload");
        });
    }

    @Test
    void refusesABodyThatIsNotJson() {
        assertThatThrownBy(() -> parse("co2=800")).isInstanceOf(UplinkParser.BodyException.class)
            .hasMessageStartingWith("the body is not JSON");
    }

    @Test
    void refusesABodyNestedDeeperThanJacksonsLimitAsNotJson() {
        String deep = "[".repeat(2_000) + "]".repeat(2_000);

        assertThatThrownBy(() -> parse(deep)).isInstanceOf(UplinkParser.BodyException.class)
            .hasMessageStartingWith("the body is not JSON: Document nesting depth (1001) exceeds the maximum allowed");
    }

    @Test
    void ignoresDeepNestingInsideAReadingsOtherFields() {
        String nested = "{\"a\":".repeat(500) + "1" + "}".repeat(500);
        UplinkParser.Result r = parse("{\"device\":\"0000000000000001\",\"time\":\"2026-11-26T08:00:00Z\","
            + "\"co2\":500,\"temperature\":20,\"humidity\":40,\"extra\":" + nested + "}");

        assertThat(r.problems()).isEmpty();
        assertThat(r.readings()).singleElement().extracting(i -> i.reading().co2()).isEqualTo(500.0);
    }

    @Test
    void namesHugeNumbersAsImpossibleAndRefusesNumbersLongerThanJacksonsLimit() {
        UplinkParser.Result r = parse("["
            + "{\"device\":\"0000000000000001\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":1e400,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000002\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":123456789012345678901234567890,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000003\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":500,\"temperature\":-1e-400,\"humidity\":40}"
            + "]");

        assertThat(r.problems()).extracting(Problem::index, Problem::field, Problem::error).containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "co2", "Infinity is impossible: it must be between 0 and 40000"),
            org.assertj.core.groups.Tuple.tuple(1, "co2",
                "1.2345678901234568E29 is impossible: it must be between 0 and 40000"));
        assertThat(r.readings()).singleElement().extracting(i -> i.reading().temperature()).isEqualTo(-0.0);
        assertThatThrownBy(() -> parse("{\"co2\":" + "9".repeat(1_500) + "}"))
            .isInstanceOf(UplinkParser.BodyException.class)
            .hasMessageStartingWith("the body is not JSON: Number value length (1500) exceeds the maximum allowed");
    }

    @Test
    void namesTheFieldOfEachValueOfTheWrongType() {
        UplinkParser.Result r = parse("["
            + "{\"device\":\"0000000000000001\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":true,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000002\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":500,\"temperature\":{},\"humidity\":40},"
            + "{\"device\":\"0000000000000003\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":500,\"temperature\":20,\"humidity\":[40]},"
            + "{\"device\":1234,\"time\":\"2026-11-26T08:00:00Z\",\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":{\"eui\":\"0000000000000005\"},\"time\":\"2026-11-26T08:00:00Z\",\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000006\",\"time\":1764144000,\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000007\",\"time\":\"2026-11-26T08:00:00\",\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000008\",\"time\":\"" + "2".repeat(10_000) + "\",\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + "\"a string\",42,null"
            + "]");

        assertThat(r.readings()).isEmpty();
        assertThat(r.problems()).extracting(Problem::index, Problem::device, Problem::field, Problem::error)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, "0000000000000001", "co2", "'true' is not a number"),
                org.assertj.core.groups.Tuple.tuple(1, "0000000000000002", "temperature", "'' is not a number"),
                org.assertj.core.groups.Tuple.tuple(2, "0000000000000003", "humidity", "'' is not a number"),
                org.assertj.core.groups.Tuple.tuple(3, null, "device", "'1234' is not a 16-digit hex EUI"),
                org.assertj.core.groups.Tuple.tuple(4, null, "device", "is missing"),
                org.assertj.core.groups.Tuple.tuple(5, "0000000000000006", "time",
                    "'1764144000' is not an ISO-8601 time with an offset"),
                org.assertj.core.groups.Tuple.tuple(6, "0000000000000007", "time",
                    "'2026-11-26T08:00:00' is not an ISO-8601 time with an offset"),
                org.assertj.core.groups.Tuple.tuple(7, "0000000000000008", "time",
                    "'" + "2".repeat(64) + "... (10000 characters)' is not an ISO-8601 time with an offset"),
                org.assertj.core.groups.Tuple.tuple(8, null, "body", "is not a JSON object"),
                org.assertj.core.groups.Tuple.tuple(9, null, "body", "is not a JSON object"),
                org.assertj.core.groups.Tuple.tuple(10, null, "body", "is not a JSON object"));
    }

    private static final String PLAIN = "{\"device\":\"0000000000000001\",\"time\":\"2026-11-26T08:00:00Z\","
        + "\"co2\":500,\"temperature\":20,\"humidity\":40";

    @Test
    void refusesABodyOfIllFormedUtf8WholeNamingTheBytesAndWhereTheyAre() {
        // Jackson alone read C0 AE as '.', and ED A0 80 as a lone surrogate, and took both readings
        byte[] overlong = withBytes(PLAIN + ",\"note\":\"p%s\"}", 0xC0, 0xAE);
        byte[] surrogate = withBytes("[" + PLAIN + "}," + PLAIN + ",\"note\":\"%s\"}]", 0xED, 0xA0, 0x80);

        assertThatThrownBy(() -> parser.parse(overlong)).isInstanceOf(UplinkParser.BodyException.class)
            .hasMessage("the body is not well-formed UTF-8: C0 AE at byte " + (PLAIN.length() + 10) + " of the body "
                + "is an overlong form (a character written with more bytes than it takes); JSON bodies are UTF-8 "
                + "(RFC 8259), each character in its one shortest form (RFC 3629)");
        assertThatThrownBy(() -> parser.parse(surrogate)).isInstanceOf(UplinkParser.BodyException.class)
            .hasMessageStartingWith("the body is not well-formed UTF-8: ED A0 80 at byte " + (2 * PLAIN.length() + 12)
                + " of the body is an encoded surrogate");
        assertThatThrownBy(() -> parser.parse(withBytes(PLAIN + ",\"note\":\"%s\"}", 0x00)))
            .isInstanceOf(UplinkParser.BodyException.class).hasMessageContaining("is a NUL byte");
    }

    @Test
    void namesAFieldGivenTwiceAsTheItemsProblemAndKeepsTheOtherItems() {
        UplinkParser.Result r = parse("["
            + PLAIN + ",\"co2\":9000}," // Jackson's tree kept the last co2
            + PLAIN + "},"
            + "{\"device\":\"0000000000000003\",\"device\":\"0000000000000004\",\"time\":\"2026-11-26T08:00:00Z\","
            + "\"co2\":500,\"temperature\":20,\"humidity\":40},"
            + tts("70B3D57ED0000001", "2026-11-26T08:55:00Z", "{\"co2\":812,\"temperature\":21.4,\"humidity\":44,"
                + "\"co2\":400}") + ","
            + "{\"end_device_ids\":{\"dev_eui\":\"70B3D57ED0000001\",\"dev_eui\":\"70B3D57ED0000002\"},"
            + "\"received_at\":\"2026-11-26T08:55:00Z\",\"uplink_message\":{\"decoded_payload\":{\"co2\":812,"
            + "\"temperature\":21.4,\"humidity\":44}}},"
            + chirpstack("0101010101010101", "2026-11-26T08:50:00Z", "{\"co2\":1500,\"temperature\":23,"
                + "\"humidity\":51.5}").replace("\"time\":", "\"time\":\"2026-11-26T08:40:00Z\",\"time\":")
            + "]");

        assertThat(r.readings()).extracting(UplinkParser.Indexed::index).containsExactly(1);
        String twice = "is given twice; each name once in an object (which of the two a reader keeps differs from "
            + "reader to reader)";
        assertThat(r.problems()).extracting(Problem::index, Problem::device, Problem::field, Problem::error)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, "0000000000000001", "co2", twice),
                org.assertj.core.groups.Tuple.tuple(2, null, "device", twice),
                org.assertj.core.groups.Tuple.tuple(3, "70B3D57ED0000001", "uplink_message.decoded_payload.co2",
                    twice),
                org.assertj.core.groups.Tuple.tuple(4, null, "end_device_ids.dev_eui", twice),
                org.assertj.core.groups.Tuple.tuple(5, "0101010101010101", "time", twice));
    }

    @Test
    void namesAStringOrNameWithALoneSurrogateEscapeAsTheItemsProblem() {
        UplinkParser.Result r = parse("["
            + "{\"device\":\"00000000000000\\ud800\",\"time\":\"2026-11-26T08:00:00Z\",\"co2\":500,"
            + "\"temperature\":20,\"humidity\":40},"
            + "{\"device\":\"0000000000000002\",\"time\":\"2026-11-26T08:00:00Z\\udc00\",\"co2\":500,"
            + "\"temperature\":20,\"humidity\":40},"
            + tts("70B3D57ED0000001", "2026-11-26T08:55:00Z", "{\"co2\":812,\"temperature\":21.4,\"humidity\":44}")
                .replace("\"device_id\":\"eui-70b3d57ed0000001\"", "\"device_id\":\"raum-\\uD83D\"") + ","
            + tts("70B3D57ED0000002", "2026-11-26T08:55:00Z", "{\"co2\":812,\"temperature\":21.4,\"humidity\":44,"
                + "\"\\ud800x\":1}")
            + "]");

        assertThat(r.readings()).isEmpty();
        String unpaired = ", an unpaired UTF-16 surrogate; JSON text must be valid Unicode (a character beyond "
            + "U+FFFF is escaped as a pair, such as \\ud83d\\ude00)";
        assertThat(r.problems()).extracting(Problem::index, Problem::device, Problem::field, Problem::error)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, null, "device", "holds the escape \\ud800" + unpaired),
                org.assertj.core.groups.Tuple.tuple(1, "0000000000000002", "time",
                    "holds the escape \\udc00" + unpaired),
                org.assertj.core.groups.Tuple.tuple(2, "70B3D57ED0000001", "end_device_ids.device_id",
                    "holds the escape \\ud83d" + unpaired),
                org.assertj.core.groups.Tuple.tuple(3, "70B3D57ED0000002", "uplink_message.decoded_payload",
                    "holds a name with the escape \\ud800" + unpaired));
    }

    @Test
    void refusesContentAfterTheValueSayingWhere() {
        assertThatThrownBy(() -> parse(PLAIN + "} {\"device\":\"0000000000000002\"}"))
            .isInstanceOf(UplinkParser.BodyException.class)
            .hasMessage("the body holds more after its JSON value, at line 1, column " + (PLAIN.length() + 3)
                + ": one value (an uplink or an array of them) is all it may hold");
        assertThatThrownBy(() -> parse("[" + PLAIN + "}]\n[]")).isInstanceOf(UplinkParser.BodyException.class)
            .hasMessageStartingWith("the body holds more after its JSON value, at line 2, column 1");
        assertThat(parse("[" + PLAIN + "}]\r\n\t ").readings()).hasSize(1); // white space after it is no content
    }

    @Test
    void takesWellFormedTextBeyondAsciiAndEscapedSurrogatePairs() {
        UplinkParser.Result r = parse("["
            + PLAIN + ",\"note\":\"Lüftung im Raum 1.08, 12 € – 😀 \\ud83d\\ude00\"},"
            + tts("70B3D57ED0000001", "2026-11-26T08:55:00Z", "{\"co2\":812,\"temperature\":21.4,\"humidity\":44,"
                + "\"Raumklima \\uD83D\\uDE00 ü\":\"gut 😀\"}")
                .replace("\"device_id\":\"eui-70b3d57ed0000001\"", "\"device_id\":\"raum-ü-€-😀-\\ud83d\\ude00\"")
            + "]");

        assertThat(r.problems()).isEmpty();
        assertThat(r.readings()).extracting(UplinkParser.Indexed::index).containsExactly(0, 1);
    }
}
