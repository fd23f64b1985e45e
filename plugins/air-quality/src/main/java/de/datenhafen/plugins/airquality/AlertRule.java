package de.datenhafen.plugins.airquality;

import java.util.ArrayList;
import java.util.List;

/**
 * The CO2 alert rule on a room's readings in time order: a run of readings above the threshold starts at its first
 * reading ({@code since}); it raises an alert at its first reading more than {@code after} seconds later; it ends at
 * the next reading at or below the threshold, which clears a raised alert. Readings more than {@code maxGapSeconds}
 * apart do not show that the air stayed bad in between: before the alert is raised, such a gap starts the count
 * again (a raised alert stays until a reading is low). Times are the readings' own, so the same readings give the
 * same episodes whatever order or delay they arrived in; and a reading that arrives late can only start a count
 * that the readings around it support.
 *
 * <p>Pure: {@link #episodes} looks only at the samples it is given.
 */
record AlertRule(double threshold, long afterSeconds, long maxGapSeconds) {

    /** One reading, reduced to what the rule needs: seconds and ppm. */
    record Sample(int t, int co2) {
    }

    /** A run above the threshold that lasted long enough to raise; {@code clearedAt} is null while it goes on. */
    record Episode(int since, int raisedAt, Integer clearedAt, int peak) {
    }

    boolean above(int co2) {
        return co2 > threshold;
    }

    /** The raised episodes among samples sorted by time. A run open at the end has no {@code clearedAt}. */
    List<Episode> episodes(List<Sample> sorted) {
        List<Episode> out = new ArrayList<>();
        Integer since = null;
        Integer raisedAt = null;
        int peak = 0;
        int previous = Integer.MIN_VALUE;
        for (Sample s : sorted) {
            boolean gap = (long) s.t() - previous > maxGapSeconds;
            previous = s.t();
            if (above(s.co2())) {
                if (since == null || (raisedAt == null && gap)) {
                    since = s.t();
                    peak = s.co2();
                    raisedAt = null;
                }
                peak = Math.max(peak, s.co2());
                if (raisedAt == null && (long) s.t() - since > afterSeconds) {
                    raisedAt = s.t();
                }
            } else if (since != null) {
                if (raisedAt != null) {
                    out.add(new Episode(since, raisedAt, s.t(), peak));
                }
                since = null;
                raisedAt = null;
            }
        }
        if (since != null && raisedAt != null) {
            out.add(new Episode(since, raisedAt, null, peak));
        }
        return out;
    }
}
