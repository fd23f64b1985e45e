package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpeningHoursTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static ObjectNode weekly(String days, String opens, String closes) {
        return Json.object().put("id", "s").put("freq", "WEEKLY").put("byday", days).put("opens_at", opens)
            .put("closes_at", closes);
    }

    private static OpeningHours hours(ObjectNode... schedules) {
        return OpeningHours.compile(List.of(schedules), BERLIN);
    }

    @Test
    void wallClockHoursHoldOnBothSidesOfTheSpringChangeToSummerTime() {
        OpeningHours h = hours(weekly("MO", "09:00", "17:00"));
        // Monday 23 March 2026 (CET, UTC+1): 08:30 UTC is 09:30 local
        assertThat(h.isOpen(Instant.parse("2026-03-23T08:30:00Z"))).isTrue();
        assertThat(h.isOpen(Instant.parse("2026-03-23T07:30:00Z"))).isFalse();
        // Monday 30 March 2026 (CEST, UTC+2, the day after the change): 07:30 UTC is 09:30 local
        assertThat(h.isOpen(Instant.parse("2026-03-30T07:30:00Z"))).isTrue();
        assertThat(h.isOpen(Instant.parse("2026-03-30T15:30:00Z"))).isFalse();
    }

    @Test
    void anOpeningOverMidnightRunsIntoTheNightOfTheAutumnChange() {
        OpeningHours h = hours(weekly("SA", "22:00", "03:00"));
        // night of 24/25 October 2026: clocks go back at 03:00 CEST to 02:00 CET
        assertThat(h.isOpen(Instant.parse("2026-10-24T20:30:00Z"))).isTrue();   // 22:30 CEST Saturday
        assertThat(h.isOpen(Instant.parse("2026-10-25T01:30:00Z"))).isTrue();   // 02:30 CET Sunday
        assertThat(h.isOpen(Instant.parse("2026-10-25T02:30:00Z"))).isFalse();  // 03:30 CET Sunday
    }

    @Test
    void aTimeWithAnOffsetIsTakenLiterally() {
        OpeningHours h = hours(weekly("MO", "09:00+01:00", "10:00+01:00"));
        // in summer, 09:00+01:00 is 10:00 local
        assertThat(h.isOpen(Instant.parse("2026-06-01T08:30:00Z"))).isTrue();
        assertThat(h.isOpen(Instant.parse("2026-06-01T07:30:00Z"))).isFalse();
    }

    @Test
    void aClosureExceptionWinsOverTheWeeklyHours() {
        ObjectNode closed = Json.object().put("id", "x").put("valid_from", "2026-12-24").put("valid_to", "2026-12-31");
        closed.putArray("attributes").add(Json.object().put("id", "a").put("taxonomy_term_id", CityTaxonomy.CLOSED_ID));
        OpeningHours h = hours(weekly("MO,TU,WE,TH,FR", "09:00", "16:00"), closed);
        assertThat(h.isOpen(Instant.parse("2026-12-22T10:00:00Z"))).isTrue();
        assertThat(h.isOpen(Instant.parse("2026-12-29T10:00:00Z"))).isFalse();
        assertThat(h.isOpen(Instant.parse("2027-01-04T10:00:00Z"))).isTrue();
    }

    @Test
    void validityWindowLimitsARule() {
        ObjectNode s = weekly("WE", "10:00", "12:00").put("valid_from", "2026-05-01").put("valid_to", "2026-05-31");
        OpeningHours h = hours(s);
        assertThat(h.isOpen(Instant.parse("2026-05-06T09:00:00Z"))).isTrue();
        assertThat(h.isOpen(Instant.parse("2026-06-03T09:00:00Z"))).isFalse();
    }

    @Test
    void monthlyOrdinalDaysMatchTheSecondAndTheLastWeekday() {
        OpeningHours second = hours(Json.object().put("id", "m").put("freq", "MONTHLY").put("byday", "2WE")
            .put("opens_at", "17:00").put("closes_at", "19:00"));
        assertThat(second.isOpen(Instant.parse("2026-11-11T16:30:00Z"))).isTrue();   // 2nd Wednesday, 17:30 CET
        assertThat(second.isOpen(Instant.parse("2026-11-18T16:30:00Z"))).isFalse();  // 3rd Wednesday
        OpeningHours last = hours(Json.object().put("id", "m").put("freq", "MONTHLY").put("byday", "-1FR")
            .put("opens_at", "17:00").put("closes_at", "19:00"));
        assertThat(last.isOpen(Instant.parse("2026-11-27T16:30:00Z"))).isTrue();
        assertThat(last.isOpen(Instant.parse("2026-11-20T16:30:00Z"))).isFalse();
    }

    @Test
    void aConcertOnOneEveningIsOpenOnlyThen() {
        OpeningHours h = hours(Json.object().put("id", "c").put("dtstart", "2026-12-05").put("opens_at", "19:30")
            .put("closes_at", "21:30"));
        assertThat(h.isOpen(Instant.parse("2026-12-05T19:00:00Z"))).isTrue();
        assertThat(h.isOpen(Instant.parse("2026-12-12T19:00:00Z"))).isFalse();
        assertThat(h.nextOpening(Instant.parse("2026-12-01T00:00:00Z"), 30).orElseThrow().toLocalDateTime())
            .hasToString("2026-12-05T19:30");
    }

    @Test
    void aShortSeriesEndsAfterItsCount() {
        OpeningHours h = hours(weekly("FR", "18:00", "20:00").put("dtstart", "2026-11-06").put("count", 4));
        assertThat(h.isOpen(Instant.parse("2026-11-27T17:30:00Z"))).isTrue();   // 4th Friday
        assertThat(h.isOpen(Instant.parse("2026-12-04T17:30:00Z"))).isFalse();  // 5th would be
    }

    @Test
    void everyOtherWeekFollowsTheIntervalFromDtstart() {
        OpeningHours h = hours(weekly("TU", "10:00", "12:00").put("dtstart", "2026-11-03").put("interval", 2));
        assertThat(h.isOpen(Instant.parse("2026-11-03T10:00:00Z"))).isTrue();
        assertThat(h.isOpen(Instant.parse("2026-11-10T10:00:00Z"))).isFalse();
        assertThat(h.isOpen(Instant.parse("2026-11-17T10:00:00Z"))).isTrue();
    }
}
