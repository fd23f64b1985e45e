package de.datenhafen.plugins.airquality;

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
}
