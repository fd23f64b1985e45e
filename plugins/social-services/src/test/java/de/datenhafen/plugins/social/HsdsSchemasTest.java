package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation against the vendored HSDS 3.1 JSON Schemas, and the rules they cannot express. */
class HsdsSchemasTest {

    private static final String SVC = "ac148810-d857-441c-9679-408f346de14b";
    private static final String SCH = "48102e86-bb50-41c4-8f1e-e269368c41d1";
    private static final String SAL = "e94c9f38-1e8f-4564-91d4-d53501ab1765";
    private static final String LOC = "3a19ff88-4620-4d17-9830-ac1d859eb5d5";
    private static final String P = "service " + SVC + " .";

    private static List<String> problems(String kind, ObjectNode o) {
        return HsdsSchemas.get().check(kind, o, Map.of()).stream().map(Problem::toString).toList();
    }

    private static ObjectNode service() {
        return Json.object().put("id", SVC).put("name", "Suchtberatung").put("status", "active");
    }

    @Test
    void everySchemaFileIsLoadedAndItsReferencesResolveWithinThePlugin() {
        HsdsSchemas schemas = HsdsSchemas.get();
        assertThat(schemas.kinds()).hasSize(23).contains("service", "organization", "location", "schedule");
        assertThat(schemas.id("service")).endsWith("/schema/service.json");
        assertThat(schemas.nested("service")).containsEntry("phones", "phone").containsEntry("organization",
            "organization").containsEntry("service_at_locations", "service_at_location");
        assertThat(schemas.nested("service_at_location")).containsEntry("location", "location");
    }

    @Test
    void aServiceNeedsNameAndAKnownStatusAsTheSchemaSays() {
        ObjectNode s = Json.object().put("id", SVC).put("status", "open");
        assertThat(problems("service", s)).containsExactly(
            P + "name: is required (HSDS schema service.json)",
            P + "status: must be one of active, inactive, defunct, temporarily closed; was 'open' (HSDS schema "
                + "service.json)");
    }

    @Test
    void nestedProblemsNameTheFieldAsAPathBelowTheService() {
        ObjectNode s = service().put("email", "nope").put("minimum_age", "zwölf");
        s.putArray("phones").add(Json.object().put("id", "tel-1"));
        s.putArray("service_at_locations").addObject().put("id", SAL).putObject("location").put("id", LOC)
            .put("url", "no uri").putArray("addresses").addObject().put("id", LOC).put("address_1", "Hafenstr. 1")
            .put("city", "Kleinhafen").put("state_province", "SH").put("postal_code", "23999").put("country", "DE");
        assertThat(problems("service", s)).containsExactly(
            P + "email: must be an e-mail address; was 'nope' (HSDS schema service.json)",
            P + "minimum_age: must be a number; was 'zwölf' (HSDS schema service.json)",
            P + "phones[0].number: is required (HSDS schema phone.json)",
            P + "phones[0].id: must be a UUID; was 'tel-1' (HSDS schema phone.json)",
            P + "service_at_locations[0].location.location_type: is required (HSDS schema location.json)",
            P + "service_at_locations[0].location.url: must be an absolute http or https URL, or a URN; was 'no uri' (HSDS "
                + "schema location.json)",
            P + "service_at_locations[0].location.addresses[0].address_type: is required (HSDS schema address.json)");
    }

    @Test
    void everyUrlFieldIsAnAbsoluteHttpOrHttpsUrlWhateverSchemeTheUriFormatWouldPass() {
        String org = "8eae5bfb-d756-3842-bbc0-ba07bf863cfa";
        ObjectNode o = Json.object().put("id", org).put("name", "Verein").put("description", "Beratung")
            .put("website", "javascript:alert(8)").put("logo", "data:image/svg+xml,<svg onload=alert(8)>")
            .put("uri", "https://opencorporates.example/companies/de/1");
        assertThat(problems("organization", o)).containsExactly(
            "organization " + org + " .website: must be an absolute http or https URL, or a URN; was 'javascript:alert(8)' "
                + "(HSDS schema organization.json)",
            "organization " + org + " .logo: must be an absolute http or https URL; was "
                + "'data:image/svg+xml,<svg onload=alert(8)>'");

        ObjectNode s = service().put("url", "JavaScript:alert(8)");
        s.putArray("schedules").addObject().put("id", SCH).put("freq", "WEEKLY").put("byday", "MO")
            .put("schedule_link", "mailto:info@kleinhafen.example");
        s.putArray("service_at_locations").addObject().put("id", SAL).putObject("location").put("id", LOC)
            .put("location_type", "virtual").put("url", "//chat.kleinhafen.example");
        assertThat(problems("service", s)).containsExactly(
            P + "url: must be an absolute http or https URL, or a URN; was 'JavaScript:alert(8)' (HSDS schema service.json)",
            P + "schedules[0].schedule_link: must be an absolute http or https URL, or a URN; was "
                + "'mailto:info@kleinhafen.example' (HSDS schema schedule.json)",
            P + "service_at_locations[0].location.url: must be an absolute http or https URL, or a URN; was "
                + "'//chat.kleinhafen.example' (HSDS schema location.json)");

        for (String ok : List.of("https://telefonseelsorge.kleinhafen.example/chat", "HTTP://Kleinhafen.example",
                "http://127.0.0.1:8080/beratung?q=a#b", "https://xn--bcher-kva.example/")) {
            assertThat(WebUrl.isWeb(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("javascript:alert(8)", " javascript:alert(8)", "java\tscript:alert(8)", "https:x",
                "https:///path", "www.kleinhafen.example", "/beratung", "https://bücher.example/", "ftp://x.example/",
                "vbscript:msgbox(8)", "")) {
            assertThat(WebUrl.isWeb(bad)).as(bad).isFalse();
        }
        // identifiers may be URNs (a term's term_uri in a published taxonomy); a URN is never a link
        ObjectNode term = Json.object().put("id", "3f9a2f8e-2b0c-4a4b-9d0e-6c1f0c6f2a11").put("code", "debt")
            .put("name", "Schulden").put("description", "Schuldnerberatung").put("term_uri", "urn:lcsh:sh85036232");
        assertThat(problems("taxonomy_term", term)).isEmpty();
        assertThat(WebUrl.isWebOrUrn("urn:lcsh:sh85036232")).isTrue();
        assertThat(WebUrl.isWeb("urn:lcsh:sh85036232")).isFalse();
        for (String bad : List.of("urn:x", "urn::a", "urn:lcsh:", "urn:lcsh:a b", "javascript:alert(8)")) {
            assertThat(WebUrl.isWebOrUrn(bad)).as(bad).isFalse();
        }
    }

    @Test
    void scheduleRulesTheSchemaOnlyStatesInProseAreCheckedToo() {
        ObjectNode s = service();
        s.putArray("schedules").add(Json.object().put("id", SCH).put("freq", "DAILY").put("byday", "MO,XY")
            .put("opens_at", "9 Uhr").put("closes_at", "17:00").put("valid_from", "2026-05-01")
            .put("valid_to", "2026-04-01").put("count", 3).put("until", "2026-12-31"));
        assertThat(problems("service", s)).containsExactly(
            P + "schedules[0].freq: must be one of WEEKLY, MONTHLY; was 'DAILY' (HSDS schema schedule.json)",
            P + "schedules[0].opens_at: must be a time HH:MM, optionally with seconds and a UTC offset; was '9 Uhr'",
            P + "schedules[0].byday: must be days MO..SU separated by commas, each optionally with an ordinal "
                + "(2MO, -1FR); 'XY' is not one",
            P + "schedules[0].count: cannot be given together with until (RFC 5545)",
            P + "schedules[0].valid_to: is before valid_from 2026-05-01");
    }

    @Test
    void coordinatesOutOfRangeAndAnAttributeWithoutTermAreTheCitysRules() {
        ObjectNode s = service();
        s.putArray("attributes").addObject().put("id", SCH);
        s.putArray("service_at_locations").addObject().put("id", SAL).putObject("location").put("id", LOC)
            .put("location_type", "physical").put("latitude", 123.0);
        assertThat(problems("service", s)).containsExactly(
            P + "attributes[0].taxonomy_term_id: is required: an attribute names its taxonomy term",
            P + "service_at_locations[0].location.latitude: must be between -90 and 90 degrees; was 123.0");
    }

    @Test
    void aProblemOfATabularRowNamesItsFileAndLine() {
        ObjectNode s = service();
        s.putArray("schedules").add(Json.object().put("id", SCH).put("freq", "YEARLY"));
        List<Problem> found = HsdsSchemas.get().check("service", s, Map.of("schedule/" + SCH, "schedules.csv line 7",
            "service/" + SVC, "services.csv line 2"));
        assertThat(found).extracting(Problem::field, Problem::source)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("schedules[0].freq", "schedules.csv line 7"));
        assertThat(found.get(0).toJson().toString()).contains("\"source\":\"schedules.csv line 7\"");
    }

    @Test
    void aLocationSharedByServicesIsValidatedOnceAndReportedForEach() {
        java.util.concurrent.ConcurrentHashMap<com.fasterxml.jackson.databind.JsonNode,
            List<com.networknt.schema.Error>> cache = new java.util.concurrent.ConcurrentHashMap<>();
        ObjectNode location = Json.object().put("id", LOC).put("location_type", "bus");
        String other = "bc148810-d857-441c-9679-408f346de14b";
        for (String id : List.of(SVC, other)) {
            ObjectNode s = service().put("id", id);
            s.putArray("service_at_locations").addObject().put("id", SAL).set("location", location.deepCopy());
            assertThat(HsdsSchemas.get().check("service", s, Map.of(), cache)).extracting(Problem::toString)
                .containsExactly("service " + id + " .service_at_locations[0].location.location_type: must be one of "
                    + "physical, postal, virtual; was 'bus' (HSDS schema location.json)");
        }
        assertThat(cache).hasSize(1);
    }

    @Test
    void networkntsValidatorFindsWhatVertxsValidatorFindsInTheSameSchemaFiles() {
        ObjectNode s = service().put("email", "nope").put("status", "open");
        s.putArray("phones").add(Json.object().put("id", "tel-1"));
        s.putArray("service_at_locations").addObject().put("id", SAL).putObject("location").put("id", LOC)
            .put("latitude", "north");
        io.vertx.core.json.JsonObject instance = new io.vertx.core.json.JsonObject(Json.MAPPER.convertValue(s,
            Map.class));
        var viaVertx = VertxHsdsValidator.fieldErrors(new VertxHsdsValidator().repository("service")
                .validate(instance)).stream()
            .map(e -> HsdsSchemas.toPath(List.of(e.getInstanceLocation().replaceFirst("^#?/?", "").split("/")))
                + " " + e.getKeywordLocation().substring(e.getKeywordLocation().lastIndexOf('/') + 1))
            .sorted().toList();
        var viaNetworknt = HsdsSchemas.get().errors("service", s).stream()
            .map(e -> HsdsSchemas.toPath(java.util.stream.IntStream.range(0, e.getInstanceLocation().getNameCount())
                .mapToObj(i -> String.valueOf(e.getInstanceLocation().getElement(i))).toList()) + " " + e.getKeyword())
            .sorted().toList();
        assertThat(viaVertx).hasSize(6);
        assertThat(viaNetworknt).isEqualTo(viaVertx);
        assertThat(problems("service", s)).hasSize(viaVertx.size());
    }

    @Test
    void theDemoDirectoryIsValid() {
        DataSet demo = DemoData.demo(java.time.LocalDate.of(2026, 11, 26));
        assertThat(demo.organizations()).hasSize(14);
        assertThat(demo.services()).hasSize(50);
        demo.services().forEach(s -> assertThat(problems("service", s)).as(Json.str(s, "name")).isEmpty());
        demo.organizations().forEach(o -> assertThat(problems("organization", o)).isEmpty());
        demo.terms().forEach(t -> assertThat(problems("taxonomy_term", t)).isEmpty());
        demo.taxonomies().forEach(t -> assertThat(problems("taxonomy", t)).isEmpty());
    }
}
