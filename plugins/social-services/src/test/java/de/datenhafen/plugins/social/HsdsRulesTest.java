package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class HsdsRulesTest {

    private static final String SVC = "ac148810-d857-441c-9679-408f346de14b";
    private static final String SCH = "48102e86-bb50-41c4-8f1e-e269368c41d1";

    @Test
    void aServiceNeedsIdNameAndAKnownStatus() {
        ObjectNode s = Json.object().put("id", SVC).put("status", "open");
        assertThat(HsdsRules.check("service", s)).extracting(Problem::toString).containsExactly(
            "service " + SVC + " .name: is required",
            "service " + SVC + " .status: must be one of active, defunct, inactive, temporarily closed; was 'open'");
    }

    @Test
    void nestedScheduleProblemsNameTheScheduleAndField() {
        ObjectNode s = Json.object().put("id", SVC).put("name", "Suchtberatung").put("status", "active");
        s.putArray("schedules").add(Json.object().put("id", SCH).put("freq", "DAILY").put("byday", "MO,XY")
            .put("opens_at", "9 Uhr").put("closes_at", "17:00").put("valid_from", "2026-05-01")
            .put("valid_to", "2026-04-01"));
        assertThat(HsdsRules.check("service", s)).extracting(Problem::toString).containsExactlyInAnyOrder(
            "schedule " + SCH + " .opens_at: must be a time HH:MM, optionally with seconds and a UTC offset; was '9 Uhr'",
            "schedule " + SCH + " .byday: must be days MO..SU separated by commas, each optionally with an ordinal "
                + "(2MO, -1FR); 'XY' is not one",
            "schedule " + SCH + " .freq: must be one of MONTHLY, WEEKLY; was 'DAILY'",
            "schedule " + SCH + " .valid_to: is before valid_from 2026-05-01");
    }

    @Test
    void idsMustBeUuids() {
        assertThat(HsdsRules.check("phone", Json.object().put("id", "tel-1").put("number", "+49 451 1")))
            .extracting(Problem::toString).containsExactly("phone tel-1 .id: must be a UUID; was 'tel-1'");
    }

    @Test
    void aLocationNeedsItsTypeAndCoordinatesInRange() {
        assertThat(HsdsRules.check("location", Json.object().put("id", SVC).put("latitude", 123.0)))
            .extracting(Problem::toString).containsExactly(
                "location " + SVC + " .location_type: is required",
                "location " + SVC + " .latitude: must be between -90 and 90; was 123.0");
    }

    @Test
    void theDemoDirectoryIsValid() {
        DataSet demo = DemoData.demo(java.time.LocalDate.of(2026, 11, 26));
        assertThat(demo.organizations()).hasSize(12);
        assertThat(demo.services()).hasSize(48);
        demo.services().forEach(s -> assertThat(HsdsRules.check("service", s)).as(Json.str(s, "name")).isEmpty());
        demo.organizations().forEach(o -> assertThat(HsdsRules.check("organization", o)).isEmpty());
    }
}
