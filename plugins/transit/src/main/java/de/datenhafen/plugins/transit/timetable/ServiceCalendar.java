package de.datenhafen.plugins.transit.timetable;

import java.time.LocalDate;
import java.util.Arrays;

/**
 * On which dates each service runs: calendar.txt's weekdays within its date range, then calendar_dates.txt's
 * exceptions on top (1 adds a date, 2 removes one; a date both added and removed is removed). Immutable once built.
 *
 * <p>Kept as the rules themselves: per service a range and a weekday mask, and its added and removed dates sorted, so
 * a departures query asks one range check and two binary searches (of arrays that are empty for most services). Not
 * as one bit per service and day, which this was: the bits spanned the feed's first to last date for every service,
 * so one row dated 00010101 and one dated 99991231 made each service 457 KB and a few thousand services the whole heap.
 * The rules take memory in proportion to the rows.
 */
public final class ServiceCalendar {

    private static final int[] NONE = new int[0];

    private final int[] start;
    private final int[] end;
    private final byte[] weekdays; // bit 0 Monday; 0 when the service has no calendar.txt row
    private final int[][] added;
    private final int[][] removed;

    private ServiceCalendar(int[] start, int[] end, byte[] weekdays, int[][] added, int[][] removed) {
        this.start = start;
        this.end = end;
        this.weekdays = weekdays;
        this.added = added;
        this.removed = removed;
    }

    /** Whether service {@code service} runs on the service day {@code epochDay}. */
    public boolean active(int service, int epochDay) {
        if (service < 0 || service >= start.length) {
            return false;
        }
        if (removed[service].length > 0 && Arrays.binarySearch(removed[service], epochDay) >= 0) {
            return false;
        }
        if (added[service].length > 0 && Arrays.binarySearch(added[service], epochDay) >= 0) {
            return true;
        }
        return epochDay >= start[service] && epochDay <= end[service]
            && (weekdays[service] & (1 << weekday(epochDay))) != 0;
    }

    public int services() {
        return start.length;
    }

    /** The first day any service runs, or null when none does. */
    public LocalDate firstDate() {
        long best = Long.MAX_VALUE;
        for (int s = 0; s < start.length; s++) {
            for (int day : added[s]) { // sorted
                if (day >= best) {
                    break;
                }
                if (active(s, day)) {
                    best = day;
                    break;
                }
            }
            // each removed date can hide at most one week's days of the range, so its first day is this near
            long limit = Math.min(end[s], start[s] + 7L * (removed[s].length + 1));
            for (long day = start[s]; weekdays[s] != 0 && day <= limit && day < best; day++) {
                if (active(s, (int) day)) {
                    best = day;
                }
            }
        }
        return best == Long.MAX_VALUE ? null : LocalDate.ofEpochDay(best);
    }

    /** The last day any service runs, or null when none does. */
    public LocalDate lastDate() {
        long best = Long.MIN_VALUE;
        for (int s = 0; s < start.length; s++) {
            for (int i = added[s].length - 1; i >= 0 && added[s][i] > best; i--) {
                if (active(s, added[s][i])) {
                    best = added[s][i];
                    break;
                }
            }
            long limit = Math.max(start[s], end[s] - 7L * (removed[s].length + 1));
            for (long day = end[s]; weekdays[s] != 0 && day >= limit && day > best; day--) {
                if (active(s, (int) day)) {
                    best = day;
                }
            }
        }
        return best == Long.MIN_VALUE ? null : LocalDate.ofEpochDay(best);
    }

    /** 0 for Monday ... 6 for Sunday; 1970-01-01 (epoch day 0) was a Thursday. */
    private static int weekday(int epochDay) {
        return Math.floorMod(epochDay + 3, 7);
    }

    /** Collects rules per service index, then freezes them. */
    public static final class Builder {
        private int[] start = new int[16];
        private int[] end = new int[16];
        private byte[] weekdays = new byte[16];
        private int[][] added = new int[16][];
        private int[][] removed = new int[16][];
        private int[] addedCount = new int[16];
        private int[] removedCount = new int[16];
        private int services;

        private void ensure(int service) {
            if (service >= start.length) {
                int n = Math.max(service + 1, start.length * 2);
                start = Arrays.copyOf(start, n);
                end = Arrays.copyOf(end, n);
                weekdays = Arrays.copyOf(weekdays, n);
                added = Arrays.copyOf(added, n);
                removed = Arrays.copyOf(removed, n);
                addedCount = Arrays.copyOf(addedCount, n);
                removedCount = Arrays.copyOf(removedCount, n);
            }
            for (; services <= service; services++) {
                start[services] = 1;
                end[services] = 0; // an empty range until a calendar.txt row says otherwise
                added[services] = NONE;
                removed[services] = NONE;
            }
        }

        /** A calendar.txt row; {@code weekdays} bit 0 is Monday. */
        public Builder range(int service, int startDay, int endDay, int weekdays) {
            ensure(service);
            start[service] = startDay;
            end[service] = endDay;
            this.weekdays[service] = (byte) weekdays;
            return this;
        }

        /** A calendar_dates.txt row: type 1 adds the day, type 2 removes it. */
        public Builder exception(int service, int day, boolean add) {
            ensure(service);
            if (add) {
                added[service] = append(added[service], addedCount[service]++, day);
            } else {
                removed[service] = append(removed[service], removedCount[service]++, day);
            }
            return this;
        }

        private static int[] append(int[] a, int n, int day) {
            int[] out = n == a.length ? Arrays.copyOf(a, Math.max(4, n * 2)) : a;
            out[n] = day;
            return out;
        }

        public ServiceCalendar build(int serviceCount) {
            ensure(serviceCount - 1);
            int[][] add = new int[serviceCount][];
            int[][] remove = new int[serviceCount][];
            for (int s = 0; s < serviceCount; s++) {
                add[s] = sorted(added[s], addedCount[s]);
                remove[s] = sorted(removed[s], removedCount[s]);
            }
            return new ServiceCalendar(Arrays.copyOf(start, serviceCount), Arrays.copyOf(end, serviceCount),
                Arrays.copyOf(weekdays, serviceCount), add, remove);
        }

        private static int[] sorted(int[] a, int n) {
            if (n == 0) {
                return NONE;
            }
            int[] out = Arrays.copyOf(a, n);
            Arrays.sort(out);
            return out;
        }
    }
}
