package de.datenhafen.plugins.transit.gtfs;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * GTFS time arithmetic. A stop time is seconds after the start of its service day, which the spec defines as
 * "noon minus 12 hours" in the feed's time zone: midnight on ordinary days, but 23:00 of the evening before when the
 * clocks go forward and 01:00 when they go back. Times past 24:00:00 belong to the service day before.
 */
public final class GtfsTime {

    private GtfsTime() {
    }

    /** Parses {@code H:MM:SS} / {@code HH:MM:SS} (hours up to 99) into seconds; Integer.MIN_VALUE if malformed. */
    public static int parse(char[] c, int s, int e) {
        int len = e - s;
        if (len != 7 && len != 8) {
            return Integer.MIN_VALUE;
        }
        int h;
        int k = s;
        if (len == 8) {
            h = digit(c[k]) * 10 + digit(c[k + 1]);
            k += 2;
        } else {
            h = digit(c[k]);
            k += 1;
        }
        if (c[k] != ':' || c[k + 3] != ':') {
            return Integer.MIN_VALUE;
        }
        int m = digit(c[k + 1]) * 10 + digit(c[k + 2]);
        int sec = digit(c[k + 4]) * 10 + digit(c[k + 5]);
        if (h < 0 || m < 0 || sec < 0 || m > 59 || sec > 59) {
            return Integer.MIN_VALUE;
        }
        return h * 3600 + m * 60 + sec;
    }

    /** Parses a GTFS time string; Integer.MIN_VALUE if malformed. */
    public static int parse(String s) {
        String t = s.trim();
        return parse(t.toCharArray(), 0, t.length());
    }

    private static int digit(char ch) {
        return ch >= '0' && ch <= '9' ? ch - '0' : -1000;
    }

    /** Formats seconds as {@code HH:MM:SS} (hours may pass 24). */
    public static String format(int seconds) {
        int h = seconds / 3600;
        int m = seconds / 60 % 60;
        int s = seconds % 60;
        return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
    }

    /** The instant (epoch seconds) at which the service day {@code date} starts in {@code zone}: noon minus 12 h. */
    public static long serviceDayStart(LocalDate date, ZoneId zone) {
        return ZonedDateTime.of(date.getYear(), date.getMonthValue(), date.getDayOfMonth(), 12, 0, 0, 0, zone)
            .toEpochSecond() - 12 * 3600;
    }

    /**
     * Parses a GTFS date {@code YYYYMMDD} into an epoch day; Integer.MIN_VALUE when malformed.
     */
    public static int parseDate(String s) {
        String t = s.trim();
        if (t.length() != 8) {
            return Integer.MIN_VALUE;
        }
        for (int i = 0; i < 8; i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return Integer.MIN_VALUE;
            }
        }
        try {
            return (int) LocalDate.of(Integer.parseInt(t.substring(0, 4)), Integer.parseInt(t.substring(4, 6)),
                Integer.parseInt(t.substring(6, 8))).toEpochDay();
        } catch (DateTimeException e) {
            return Integer.MIN_VALUE;
        }
    }

    /** Formats an epoch day as {@code YYYYMMDD}. */
    public static String formatDate(int epochDay) {
        LocalDate d = LocalDate.ofEpochDay(epochDay);
        int v = d.getYear() * 10000 + d.getMonthValue() * 100 + d.getDayOfMonth();
        return Integer.toString(v);
    }
}
