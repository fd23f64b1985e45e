package de.datenhafen.api;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Reads and writes the times of an ingest path, where they come by the thousand per second: the same texts and
 * instants as {@link OffsetDateTime#parse(CharSequence)} and {@link Instant#toString()}, at a fraction of their CPU.
 * The formatter behind those builds a field map per call; on the air-quality plugin's ingest it was the largest single
 * cost of reading an uplink (7 to 8 % of the hub's CPU samples under the shared harness's load).
 *
 * <p>The usual forms ({@code 2026-11-26T08:55:00Z}, with a fraction of 1 to 9 digits, or an offset {@code +01:00})
 * are read directly; every other text goes to {@code OffsetDateTime.parse}, so what it accepts, what it refuses and
 * its {@link java.time.format.DateTimeParseException} stay exactly as they were. Static and thread-safe; call it
 * from any thread.
 *
 * @since 1.4
 */
public final class Timestamps {

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years {@link Instant#toString()} writes with four digits. */
    private static final long FIRST_FOUR_DIGIT_YEAR = -62_167_219_200L;
    private static final long LAST_FOUR_DIGIT_YEAR = 253_402_300_799L;

    private Timestamps() {
    }

    /**
     * The instant of an ISO-8601 date-time with an offset: {@code OffsetDateTime.parse(text).toInstant()}, with the
     * same texts accepted.
     *
     * @throws java.time.format.DateTimeParseException as {@code OffsetDateTime.parse} throws it, with its message
     * @throws NullPointerException if {@code text} is null
     */
    public static Instant parse(CharSequence text) {
        Objects.requireNonNull(text, "text");
        Instant fast = usualForm(text);
        return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
    }

    /** {@code instant.toString()}: {@code 2026-11-26T08:55:00Z}, a fraction in groups of three digits when not 0. */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_FOUR_DIGIT_YEAR || seconds > LAST_FOUR_DIGIT_YEAR) {
            return instant.toString(); // a sign and more digits for the year
        }
        int nanos = instant.getNano();
        // the civil date of the day, by arithmetic (H. Hinnant's days-to-civil): no LocalDateTime per call
        long days = Math.floorDiv(seconds, 86_400L);
        int second = (int) Math.floorMod(seconds, 86_400L);
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097L);
        long ofEra = z - era * 146_097;
        long yearOfEra = (ofEra - ofEra / 1_460 + ofEra / 36_524 - ofEra / 146_096) / 365;
        long dayOfYear = ofEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long shifted = (5 * dayOfYear + 2) / 153; // the month, counted from March
        int day = (int) (dayOfYear - (153 * shifted + 2) / 5 + 1);
        int month = (int) (shifted < 10 ? shifted + 3 : shifted - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        int digits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        byte[] out = new byte[20 + (digits == 0 ? 0 : digits + 1)];
        put(out, 0, year, 4);
        out[4] = '-';
        put(out, 5, month, 2);
        out[7] = '-';
        put(out, 8, day, 2);
        out[10] = 'T';
        put(out, 11, second / 3_600, 2);
        out[13] = ':';
        put(out, 14, second / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, second % 60, 2);
        if (digits > 0) {
            out[19] = '.';
            put(out, 20, nanos / (digits == 3 ? 1_000_000 : digits == 6 ? 1_000 : 1), digits);
        }
        out[out.length - 1] = 'Z';
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|+hh:mm|-hh:mm)}, read without the formatter; null for any other text or
     * an impossible date, time or offset (which {@code OffsetDateTime.parse} then refuses with its own message).
     */
    private static Instant usualForm(CharSequence s) {
        int n = s.length();
        if (n < 20 || n > 35 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
            || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int end = n; // where the offset starts
        ZoneOffset offset;
        if (s.charAt(n - 1) == 'Z') {
            end = n - 1;
            offset = ZoneOffset.UTC;
        } else if (n >= 25 && (s.charAt(n - 6) == '+' || s.charAt(n - 6) == '-') && s.charAt(n - 3) == ':') {
            end = n - 6;
            int hours = digits(s, n - 5, 2);
            int minutes = digits(s, n - 2, 2);
            if ((hours | minutes) < 0) {
                return null;
            }
            int sign = s.charAt(n - 6) == '-' ? -1 : 1;
            try {
                offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
            } catch (DateTimeException e) {
                return null;
            }
        } else {
            return null;
        }
        int nanos = 0;
        if (end > 19) {
            int fraction = end - 20;
            if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(s, 20, fraction);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        } else if (end < 19) {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The number written in {@code count} ASCII digits from {@code from}, or -1. */
    private static int digits(CharSequence s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static void put(byte[] out, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
