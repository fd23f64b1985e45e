package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The opening hours of one service, compiled from its HSDS schedules (RFC 5545 recurrence parts: freq WEEKLY or
 * MONTHLY, interval, byday with ordinals, bymonthday, dtstart, until, count; validity valid_from..valid_to; opens_at
 * and closes_at) and evaluated for an instant.
 *
 * <p>Decisions, because HSDS leaves them open:
 * <ul>
 *   <li>Times without a UTC offset are wall-clock times of the directory's zone (Europe/Berlin), so "09:00" is
 *   09:00 in winter and in summer. A time with an offset ({@code 09:00+01:00}) or a schedule {@code timezone} (hours
 *   from UTC) is taken literally, as HSDS says.</li>
 *   <li>A schedule without freq but with dtstart is one occurrence on that date (a concert on one evening); without
 *   freq and dtstart it applies every day of its validity window. byday without freq means WEEKLY.</li>
 *   <li>Exceptions (holidays, closures) are schedules carrying an attribute with the city taxonomy's term
 *   {@code closed}; they use the same recurrence fields, and close the service for their days (all day without
 *   times, or only between their opens_at and closes_at). Closures win over openings.</li>
 *   <li>closes_at at or before opens_at runs past midnight into the next day.</li>
 *   <li>A schedule without times (only a description) never makes a service "open at" a time.</li>
 * </ul>
 */
final class OpeningHours {

    static final OpeningHours NONE = new OpeningHours(List.of(), List.of());

    private final List<Rule> openings;
    private final List<Rule> closures;

    private OpeningHours(List<Rule> openings, List<Rule> closures) {
        this.openings = openings;
        this.closures = closures;
    }

    /**
     * The state at one instant: open or not, and until when (local time in the schedule's zone; null when open by a
     * schedule that runs from a time to the same time the next day, around the clock).
     */
    record State(boolean open, LocalTime until) {
    }

    static OpeningHours compile(List<ObjectNode> schedules, ZoneId zone) {
        List<Rule> open = new ArrayList<>();
        List<Rule> closed = new ArrayList<>();
        for (ObjectNode s : schedules) {
            Rule r = Rule.of(s, zone);
            if (r == null) {
                continue;
            }
            if (r.closure) {
                closed.add(r);
            } else if (r.opens != null) {
                open.add(r);
            }
        }
        return open.isEmpty() && closed.isEmpty() ? NONE : new OpeningHours(List.copyOf(open), List.copyOf(closed));
    }

    boolean hasTimes() {
        return !openings.isEmpty();
    }

    /**
     * An instant with its local date and time in the zone last asked for, so that evaluating many services for one
     * query converts the instant once rather than once per schedule.
     */
    static final class Moment {
        final Instant instant;
        private ZoneId zone;
        private ZonedDateTime local;

        Moment(Instant instant) {
            this.instant = instant;
        }

        ZonedDateTime in(ZoneId z) {
            if (!z.equals(zone)) {
                zone = z;
                local = instant.atZone(z);
            }
            return local;
        }
    }

    boolean isOpen(Instant t) {
        return state(new Moment(t)).open();
    }

    boolean isOpen(Moment m) {
        return !openings.isEmpty() && state(m).open();
    }

    State state(Instant t) {
        return state(new Moment(t));
    }

    State state(Moment t) {
        LocalTime until = null;
        boolean open = false;
        boolean allDay = false;
        for (Rule r : openings) {
            LocalTime u = r.openUntil(t);
            if (u != null) {
                open = true;
                // 00:00 to 00:00 (a crisis line) has no end worth saying: "open until 00:00" would read as closing
                allDay |= r.opens.equals(r.closes);
                until = until == null || u.isAfter(until) ? u : until;
            }
        }
        if (!open) {
            return new State(false, null);
        }
        for (Rule r : closures) {
            if (r.closes(t)) {
                return new State(false, null);
            }
        }
        return new State(true, allDay ? null : until);
    }

    /** The next start of an opening at or after {@code from}, within {@code days} days. */
    Optional<ZonedDateTime> nextOpening(Instant from, int days) {
        ZonedDateTime best = null;
        for (Rule r : openings) {
            LocalDate d = from.atZone(r.zone).toLocalDate();
            for (int i = 0; i <= days; i++, d = d.plusDays(1)) {
                if (r.matches(d)) {
                    ZonedDateTime start = d.atTime(r.opens).atZone(r.zone);
                    ZonedDateTime end = r.closes.isAfter(r.opens) ? d.atTime(r.closes).atZone(r.zone)
                        : d.plusDays(1).atTime(r.closes).atZone(r.zone);
                    if (end.toInstant().isAfter(from) && !closedAllDay(start.toInstant())) {
                        ZonedDateTime s = start.toInstant().isBefore(from) ? from.atZone(r.zone) : start;
                        if (best == null || s.isBefore(best)) {
                            best = s;
                        }
                        break;
                    }
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private boolean closedAllDay(Instant t) {
        Moment m = new Moment(t);
        for (Rule r : closures) {
            if (r.closes(m)) {
                return true;
            }
        }
        return false;
    }

    /** One compiled schedule. */
    static final class Rule {
        final LocalDate validFrom;
        final LocalDate validTo;
        final LocalDate dtstart;
        LocalDate until;
        final String freq;
        final int interval;
        final DayOfWeek[] days;
        final int[] ordinals;
        final int[] monthDays;
        final LocalTime opens;
        final LocalTime closes;
        final ZoneId zone;
        final boolean closure;

        private Rule(ObjectNode s, ZoneId defaultZone) {
            validFrom = date(s, "valid_from");
            validTo = date(s, "valid_to");
            dtstart = date(s, "dtstart");
            until = date(s, "until");
            String byday = Json.str(s, "byday");
            String f = Json.str(s, "freq");
            freq = f != null ? f : byday != null ? "WEEKLY" : null;
            interval = s.hasNonNull("interval") ? Math.max(1, s.get("interval").asInt()) : 1;
            if (byday != null) {
                String[] parts = byday.split(",");
                days = new DayOfWeek[parts.length];
                ordinals = new int[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    String p = parts[i].trim();
                    days[i] = day(p.substring(p.length() - 2));
                    String n = p.substring(0, p.length() - 2);
                    ordinals[i] = n.isEmpty() ? 0 : Integer.parseInt(n.startsWith("+") ? n.substring(1) : n);
                }
            } else {
                days = null;
                ordinals = null;
            }
            String bmd = Json.str(s, "bymonthday");
            if (bmd != null) {
                String[] parts = bmd.split(",");
                monthDays = new int[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    monthDays[i] = Integer.parseInt(parts[i].trim());
                }
            } else {
                monthDays = null;
            }
            String o = Json.str(s, "opens_at");
            String c = Json.str(s, "closes_at");
            opens = o == null ? null : time(o);
            closes = c == null ? null : time(c);
            ZoneId z = defaultZone;
            String offset = o != null ? offsetOf(o) : null;
            if (offset != null) {
                z = ZoneOffset.of(offset.equals("Z") ? "Z" : offset);
            } else if (s.hasNonNull("timezone") && s.get("timezone").isNumber()) {
                z = ZoneOffset.ofTotalSeconds((int) Math.round(s.get("timezone").asDouble() * 3600));
            }
            zone = z;
            closure = isClosure(s);
            if (s.hasNonNull("count") && dtstart != null) {
                until = lastOfCount(s.get("count").asInt());
            }
        }

        static Rule of(ObjectNode s, ZoneId zone) {
            try {
                return new Rule(s, zone);
            } catch (RuntimeException e) {
                return null; // validation reports malformed schedules; a stored one never fails here
            }
        }

        private LocalDate lastOfCount(int count) {
            LocalDate d = dtstart;
            int seen = 0;
            LocalDate limit = dtstart.plusYears(10);
            while (!d.isAfter(limit)) {
                if (matches(d)) {
                    seen++;
                    if (seen >= count) {
                        return d;
                    }
                }
                d = d.plusDays(1);
            }
            return limit;
        }

        /** The time this rule keeps open until, if it is open at t. */
        LocalTime openUntil(Moment t) {
            if (opens == null) {
                return null;
            }
            ZonedDateTime local = t.in(zone);
            LocalDate d = local.toLocalDate();
            LocalTime time = local.toLocalTime();
            if (closes.isAfter(opens)) {
                return matches(d) && !time.isBefore(opens) && time.isBefore(closes) ? closes : null;
            }
            if (matches(d) && !time.isBefore(opens)) {
                return closes;
            }
            return matches(d.minusDays(1)) && time.isBefore(closes) ? closes : null;
        }

        boolean closes(Moment t) {
            ZonedDateTime local = t.in(zone);
            LocalDate d = local.toLocalDate();
            if (opens == null) {
                return matches(d);
            }
            LocalTime time = local.toLocalTime();
            return matches(d) && !time.isBefore(opens) && (closes == null || time.isBefore(closes));
        }

        boolean matches(LocalDate d) {
            if (validFrom != null && d.isBefore(validFrom) || validTo != null && d.isAfter(validTo)
                || dtstart != null && d.isBefore(dtstart) || until != null && d.isAfter(until)) {
                return false;
            }
            if (freq == null) {
                return dtstart == null || d.equals(dtstart);
            }
            LocalDate anchor = dtstart != null ? dtstart : validFrom;
            if ("WEEKLY".equals(freq)) {
                if (interval > 1 && anchor != null) {
                    long weeks = ChronoUnit.WEEKS.between(anchor.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)),
                        d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)));
                    if (weeks % interval != 0) {
                        return false;
                    }
                }
                if (days == null) {
                    return anchor == null || d.getDayOfWeek() == anchor.getDayOfWeek();
                }
                for (DayOfWeek day : days) {
                    if (day == d.getDayOfWeek()) {
                        return true;
                    }
                }
                return false;
            }
            // MONTHLY
            if (interval > 1 && anchor != null) {
                long months = ChronoUnit.MONTHS.between(anchor.withDayOfMonth(1), d.withDayOfMonth(1));
                if (months % interval != 0) {
                    return false;
                }
            }
            if (days != null) {
                for (int i = 0; i < days.length; i++) {
                    if (days[i] != d.getDayOfWeek()) {
                        continue;
                    }
                    int n = ordinals[i];
                    if (n == 0) {
                        return true;
                    }
                    int fromStart = (d.getDayOfMonth() - 1) / 7 + 1;
                    int fromEnd = -((d.lengthOfMonth() - d.getDayOfMonth()) / 7 + 1);
                    if (n == fromStart || n == fromEnd) {
                        return true;
                    }
                }
                return false;
            }
            if (monthDays != null) {
                for (int md : monthDays) {
                    int day = md > 0 ? md : d.lengthOfMonth() + md + 1;
                    if (d.getDayOfMonth() == day) {
                        return true;
                    }
                }
                return false;
            }
            return anchor == null || d.getDayOfMonth() == anchor.getDayOfMonth();
        }

        private static boolean isClosure(ObjectNode s) {
            for (ObjectNode a : Json.objects(s, "attributes")) {
                if (CityTaxonomy.CLOSED_ID.equals(Json.str(a, "taxonomy_term_id"))) {
                    return true;
                }
                JsonNode term = a.get("taxonomy_term");
                if (term != null && "closed".equals(Json.str(term, "code"))) {
                    return true;
                }
            }
            return false;
        }

        private static LocalDate date(ObjectNode s, String field) {
            String v = Json.str(s, field);
            return v == null ? null : LocalDate.parse(v.length() > 10 ? v.substring(0, 10) : v);
        }

        private static LocalTime time(String s) {
            String t = s;
            String off = offsetOf(s);
            if (off != null) {
                t = s.substring(0, s.length() - off.length());
            }
            return LocalTime.parse(t.length() == 5 ? t : t.substring(0, 8));
        }

        private static String offsetOf(String s) {
            if (s.endsWith("Z")) {
                return "Z";
            }
            int i = Math.max(s.lastIndexOf('+'), s.lastIndexOf('-'));
            return i > 0 ? s.substring(i) : null;
        }

        private static DayOfWeek day(String code) {
            switch (code) {
                case "MO": return DayOfWeek.MONDAY;
                case "TU": return DayOfWeek.TUESDAY;
                case "WE": return DayOfWeek.WEDNESDAY;
                case "TH": return DayOfWeek.THURSDAY;
                case "FR": return DayOfWeek.FRIDAY;
                case "SA": return DayOfWeek.SATURDAY;
                case "SU": return DayOfWeek.SUNDAY;
                default: throw new IllegalArgumentException("no day " + code);
            }
        }
    }
}
