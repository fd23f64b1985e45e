package de.datenhafen.plugins.transit.timetable;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * On which dates each service runs: calendar.txt's weekdays within its date range, then calendar_dates.txt's
 * exceptions on top (1 adds a date, 2 removes one). Resolved once at import into one bit per service and day, so
 * a departures query asks a bit, not the rules. Immutable once built.
 */
public final class ServiceCalendar {

    private final int firstDay;
    private final int days;
    private final long[][] bits;

    private ServiceCalendar(int firstDay, int days, long[][] bits) {
        this.firstDay = firstDay;
        this.days = days;
        this.bits = bits;
    }

    /** Whether service {@code service} runs on the service day {@code epochDay}. */
    public boolean active(int service, int epochDay) {
        int d = epochDay - firstDay;
        if (d < 0 || d >= days || service < 0 || service >= bits.length) {
            return false;
        }
        return (bits[service][d >>> 6] & (1L << (d & 63))) != 0;
    }

    public int services() {
        return bits.length;
    }

    /** The first day any service runs, or null when none does. */
    public LocalDate firstDate() {
        for (int d = 0; d < days; d++) {
            for (long[] b : bits) {
                if ((b[d >>> 6] & (1L << (d & 63))) != 0) {
                    return LocalDate.ofEpochDay(firstDay + d);
                }
            }
        }
        return null;
    }

    /** The last day any service runs, or null when none does. */
    public LocalDate lastDate() {
        for (int d = days - 1; d >= 0; d--) {
            for (long[] b : bits) {
                if ((b[d >>> 6] & (1L << (d & 63))) != 0) {
                    return LocalDate.ofEpochDay(firstDay + d);
                }
            }
        }
        return null;
    }

    /** Collects rules per service index, then resolves them. */
    public static final class Builder {
        private final List<int[]> ranges = new ArrayList<>(); // service -> {start, end, weekdayMask} or null
        private final List<int[]> added = new ArrayList<>();
        private final List<int[]> removed = new ArrayList<>();
        private int min = Integer.MAX_VALUE;
        private int max = Integer.MIN_VALUE;

        private void ensure(int service) {
            while (ranges.size() <= service) {
                ranges.add(null);
                added.add(new int[0]);
                removed.add(new int[0]);
            }
        }

        /** A calendar.txt row; {@code weekdays} bit 0 is Monday. */
        public Builder range(int service, int startDay, int endDay, int weekdays) {
            ensure(service);
            ranges.set(service, new int[] {startDay, endDay, weekdays});
            if (endDay >= startDay) {
                min = Math.min(min, startDay);
                max = Math.max(max, endDay);
            }
            return this;
        }

        /** A calendar_dates.txt row: type 1 adds the day, type 2 removes it. */
        public Builder exception(int service, int day, boolean add) {
            ensure(service);
            List<int[]> list = add ? added : removed;
            int[] a = list.get(service);
            a = Arrays.copyOf(a, a.length + 1);
            a[a.length - 1] = day;
            list.set(service, a);
            if (add) {
                min = Math.min(min, day);
                max = Math.max(max, day);
            }
            return this;
        }

        public ServiceCalendar build(int serviceCount) {
            ensure(serviceCount - 1);
            int first = min == Integer.MAX_VALUE ? 0 : min;
            int days = min == Integer.MAX_VALUE ? 0 : max - min + 1;
            long[][] bits = new long[serviceCount][(days + 63) / 64];
            for (int s = 0; s < serviceCount; s++) {
                int[] r = ranges.get(s);
                if (r != null) {
                    int dow = LocalDate.ofEpochDay(r[0]).getDayOfWeek().getValue() - 1; // 0 = Monday
                    for (int day = r[0]; day <= r[1]; day++, dow = dow == 6 ? 0 : dow + 1) {
                        if ((r[2] & (1 << dow)) != 0) {
                            set(bits[s], day - first, true);
                        }
                    }
                }
                for (int day : added.get(s)) {
                    set(bits[s], day - first, true);
                }
                for (int day : removed.get(s)) {
                    if (day >= first && day < first + days) {
                        set(bits[s], day - first, false);
                    }
                }
            }
            return new ServiceCalendar(first, days, bits);
        }

        private static void set(long[] b, int d, boolean on) {
            if (on) {
                b[d >>> 6] |= 1L << (d & 63);
            } else {
                b[d >>> 6] &= ~(1L << (d & 63));
            }
        }
    }
}
