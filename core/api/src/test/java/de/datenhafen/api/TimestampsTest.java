package de.datenhafen.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    /** What {@code OffsetDateTime.parse(text).toInstant()} gives: the instant, or its exception's class and message. */
    private static String expected(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toString();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static String actual(String text) {
        try {
            return Timestamps.parse(text).toString();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @Test
    void readsTheUsualFormsAsOffsetDateTimeDoes() {
        assertThat(Timestamps.parse("2026-11-26T08:55:00Z")).isEqualTo(Instant.parse("2026-11-26T08:55:00Z"));
        assertThat(Timestamps.parse("2026-11-26T08:55:00.123456789Z"))
            .isEqualTo(Instant.parse("2026-11-26T08:55:00.123456789Z"));
        assertThat(Timestamps.parse("2026-11-26T09:00:00.5+01:00")).isEqualTo(Instant.parse("2026-11-26T08:00:00.5Z"));
        assertThat(Timestamps.parse("2026-01-01T00:30:00-02:30")).isEqualTo(Instant.parse("2026-01-01T03:00:00Z"));
    }

    @Test
    void refusesWhatOffsetDateTimeRefusesWithItsExceptionAndMessage() {
        assertThatThrownBy(() -> Timestamps.parse("2026-02-30T08:00:00Z")).isInstanceOf(DateTimeParseException.class)
            .hasMessageContaining("Invalid date 'FEBRUARY 30'");
        assertThatThrownBy(() -> Timestamps.parse("yesterday")).isInstanceOf(DateTimeParseException.class)
            .hasMessage("Text 'yesterday' could not be parsed at index 0");
        assertThatThrownBy(() -> Timestamps.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void agreesWithOffsetDateTimeOnOddHostileAndImpossibleTexts() {
        List<String> texts = new ArrayList<>(List.of("", "Z", "2026-11-26T08:55:00", "2026-11-26T08:55Z",
            "2026-11-26t08:55:00z", "2026-11-26T08:55:00.Z", "2026-11-26T08:55:00.1234567890Z",
            "2026-11-26T24:00:00Z", "2026-11-26T23:59:60Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
            "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
            "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2026-11-26T08:55:00+18:00",
            "2026-11-26T08:55:00+18:01", "2026-11-26T08:55:00-18:00", "2026-11-26T08:55:00+01:60",
            "2026-11-26T08:55:00-00:00", "2026-11-26T08:55:00+0100", "2026-11-26T08:55:00+01",
            "2026-11-26T08:55:00+01:00:30", "2026-11-26T08:55:00+01:00Z", "2026-11-26T08:55:00,5Z",
            "2026-11-26T08:55:00.5+01:00", "2026-11-26T08:55:0aZ", "2O26-11-26T08:55:00Z",
            "\u0662\u0660\u0662\u0666-11-26T08:55:00Z", "2026-11-26T08:55:00 Z", " 2026-11-26T08:55:00Z",
            "2026-11-26T08:55:00.12345678901234567890Z", "2026-11-26T08:55:00+1:00", "2026-11-26T08:55:00+01:0",
            "2026-11-26T08:55:00.-1Z", "2026-11-26T08:55:00.+1Z", "2026-11-26T08:55:00.123+14:00"));
        texts.add("9".repeat(10_000));
        texts.add("2026-11-26T08:55:00." + "1".repeat(1_000) + "Z");
        Random random = new Random(17);
        String alphabet = "0123456789-:T.Z+t z";
        for (int i = 0; i < 4_000; i++) {
            // the usual shape with one character changed, and random times in every usual form
            char[] c = "2026-11-26T08:55:00.123+01:00".toCharArray();
            c[random.nextInt(c.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            texts.add(new String(c, 0, 19 + random.nextInt(c.length - 18)));
            Instant t = Instant.ofEpochSecond(random.nextLong() % 253_402_300_799L, random.nextInt(1_000_000_000));
            String offset = random.nextBoolean() ? "Z"
                : String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", random.nextInt(19),
                    random.nextInt(60));
            texts.add(t.toString().replace("Z", offset));
        }
        for (String text : texts) {
            assertThat(actual(text)).as(text).isEqualTo(expected(text));
        }
    }

    @Test
    void writesWhatInstantToStringWrites() {
        Random random = new Random(17);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.MIN, Instant.MAX,
            Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
            Instant.parse("-0001-12-31T23:59:59Z"), Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("2026-11-26T08:55:00.100Z"), Instant.parse("2026-11-26T08:55:00.000100Z"),
            Instant.parse("2026-11-26T08:55:00.000000100Z")));
        for (int i = 0; i < 4_000; i++) {
            long seconds = random.nextLong() % 300_000_000_000L;
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(seconds, nanos));
        }
        for (Instant t : instants) {
            assertThat(Timestamps.format(t)).isEqualTo(t.toString());
        }
    }
}
