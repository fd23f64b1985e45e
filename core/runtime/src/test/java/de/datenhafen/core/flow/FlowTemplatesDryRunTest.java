package de.datenhafen.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import de.datenhafen.api.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each shipped template, instantiated and dry-run against events shaped as the air-quality, transit and
 * social-services plugins put them on the bus (their READMEs' event tables), gives exactly the sink messages a
 * receiver would get; the dry run itself sends nothing.
 */
class FlowTemplatesDryRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Object data(String json) throws Exception {
        return JSON.readValue(json, Object.class);
    }

    /** JSON as a tree, so 7 and 7L and a list and an array compare as the receiver would read them. */
    private static Object tree(Object value) {
        try {
            return JSON.readTree(JSON.writeValueAsBytes(value));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static DryRun.Result dryRun(String template, Map<String, ?> params, List<DryRun.Sample> samples) {
        FlowTemplates.Instance i = FlowTemplates.instantiate(template, params);
        return DryRun.run(FlowManager.checked(i.definition(), null), samples);
    }

    @Test
    void co2AlertOfTheSchoolGoesToTheWebhookAndOtherSchoolsDoNot() throws Exception {
        DryRun.Result r = dryRun("co2-alert-webhook", Map.of("name", "hausmeister", "school", "sim-01",
            "url", "https://tickets.example.org/hooks/co2", "secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), List.of(
            new DryRun.Sample("air.alert.raised", "sim-01/r004", "sim-01/r004@2026-12-02T08:10:00Z/raised",
                "2026-12-02T08:40:00Z", "/air-quality", data("""
                    {"site": "sim-01", "room": "r004", "roomName": "Klasse 5b", "since": "2026-12-02T08:10:00Z",
                     "time": "2026-12-02T08:40:00Z", "threshold": 1500, "after": "PT30M", "peak": 1870}""")),
            new DryRun.Sample("air.alert.raised", "sim-02/r001", null, null, "/air-quality", data("""
                {"site": "sim-02", "room": "r001", "roomName": "Aula", "since": "2026-12-02T09:00:00Z",
                 "time": "2026-12-02T09:30:00Z", "threshold": 1500, "after": "PT30M", "peak": 1650}""")),
            new DryRun.Sample("air.reading", "sim-01/r004", null, null, "/air-quality", data("""
                {"site": "sim-01", "room": "r004", "co2": 1900}"""))));
        assertThat(r.failed()).isEmpty();
        assertThat(r.ignored()).containsExactly(1, 2);
        assertThat(r.emitted()).hasSize(1);
        Map<String, Object> m = r.emitted().get(0);
        assertThat(m).containsEntry("kind", "webhook").containsEntry("name", "hausmeister")
            .containsEntry("type", "air.alert.raised").containsEntry("subject", "sim-01/r004");
        assertThat(m.get("options")).isEqualTo(Map.of("url", "https://tickets.example.org/hooks/co2",
            "secret", "********"));
        assertThat(tree(m.get("data"))).isEqualTo(tree(data("""
            {"school": "sim-01", "room": "r004", "roomName": "Klasse 5b", "since": "2026-12-02T08:10:00Z",
             "peakPpm": 1870, "thresholdPpm": 1500}""")));
    }

    @Test
    void departuresCancelledOrLateAtTheStopGoToTheWebhookAndPunctualOnesDoNot() throws Exception {
        DryRun.Result r = dryRun("departures-webhook", Map.of("name", "schule-am-see", "stop", "nh-hbf",
            "minutes", 5, "url", "http://127.0.0.1:9999/bus"), List.of(
            new DryRun.Sample("transit.trip.updated", "t-101", null, null, "/transit", data("""
                {"tripId": "t-101", "startDate": "20261202", "routeId": "r1", "line": "1", "headsign": "Strand",
                 "cancelled": false, "matched": true, "stops": [
                   {"stopId": "nh-markt", "stopSequence": 1, "scheduledDeparture": "2026-12-02T07:50:00Z",
                    "expectedDeparture": "2026-12-02T07:58:00Z", "delay": 480},
                   {"stopId": "nh-hbf", "stopSequence": 2, "scheduledDeparture": "2026-12-02T08:00:00Z",
                    "expectedDeparture": "2026-12-02T08:07:00Z", "delay": 420}]}""")),
            new DryRun.Sample("transit.trip.updated", "t-102", null, null, "/transit", data("""
                {"tripId": "t-102", "line": "2", "headsign": "Hafen", "cancelled": false, "matched": true,
                 "stops": [{"stopId": "nh-hbf", "stopSequence": 4, "scheduledDeparture": "2026-12-02T08:05:00Z",
                            "expectedDeparture": "2026-12-02T08:06:00Z", "delay": 60}]}""")),
            new DryRun.Sample("transit.trip.updated", "t-103", null, null, "/transit", data("""
                {"tripId": "t-103", "line": "3", "headsign": "Wald", "cancelled": true, "matched": true,
                 "stops": [{"stopId": "nh-hbf", "stopSequence": 2, "scheduledDeparture": "2026-12-02T08:10:00Z",
                            "skipped": true}]}""")),
            new DryRun.Sample("transit.trip.updated", "t-104", null, null, "/transit", data("""
                {"tripId": "t-104", "line": "4", "headsign": "Dorf", "cancelled": false, "matched": true,
                 "stops": [{"stopId": "nh-markt", "stopSequence": 1, "scheduledDeparture": "2026-12-02T08:10:00Z",
                            "expectedDeparture": "2026-12-02T08:30:00Z", "delay": 1200}]}"""))));
        assertThat(r.failed()).isEmpty();
        assertThat(r.emitted()).extracting(m -> tree(m.get("data"))).containsExactly(
            tree(data("""
                {"stop": "nh-hbf", "trip": "t-101", "line": "1", "headsign": "Strand", "cancelled": false,
                 "scheduled": "2026-12-02T08:00:00Z", "expected": "2026-12-02T08:07:00Z", "delayMinutes": 7}""")),
            tree(data("""
                {"stop": "nh-hbf", "trip": "t-103", "line": "3", "headsign": "Wald", "cancelled": true,
                 "scheduled": "2026-12-02T08:10:00Z", "delayMinutes": null}""")));
        assertThat(r.emitted()).allSatisfy(m -> assertThat(m).containsEntry("kind", "webhook")
            .containsEntry("name", "schule-am-see"));
    }

    @Test
    void newAndChangedOffersOfTheTopicGoToTheMqttTopic() throws Exception {
        DryRun.Result r = dryRun("offers-mqtt", Map.of("name", "beratung-mqtt", "topic", "Beratung",
            "broker", "tcp://127.0.0.1:1883", "mqttTopic", "kleinhafen/offers/{subject}"), List.of(
            new DryRun.Sample("social.service.created", "services/s-1", null, null, "/social-services", data("""
                {"id": "s-1", "organization_id": "o-1", "name": "Schuldnerberatung", "changed": ["name"],
                 "modified": "2026-12-02T10:00:00Z"}""")),
            new DryRun.Sample("social.service.updated", "services/s-2", null, null, "/social-services", data("""
                {"id": "s-2", "organization_id": "o-2", "name": "Offene Werkstatt", "changed": ["schedules"],
                 "modified": "2026-12-02T10:05:00Z"}""")),
            new DryRun.Sample("social.service.updated", "services/s-3", null, null, "/social-services", data("""
                {"id": "s-3", "organization_id": "o-1", "name": "BERATUNG für Familien", "changed": ["phones"],
                 "modified": "2026-12-02T10:07:00Z"}""")),
            new DryRun.Sample("social.service.deleted", "services/s-4", null, null, "/social-services", data("""
                {"id": "s-4", "organization_id": "o-1", "name": "Beratung alt", "changed": [],
                 "modified": "2026-12-02T10:08:00Z"}"""))));
        assertThat(r.failed()).isEmpty();
        assertThat(r.ignored()).containsExactly(3);
        assertThat(r.emitted()).hasSize(2);
        assertThat(r.emitted().get(0)).containsEntry("kind", "mqtt-out").containsEntry("subject", "services/s-1");
        assertThat(r.emitted().get(0).get("options")).isEqualTo(Map.of("broker", "tcp://127.0.0.1:1883",
            "topic", "kleinhafen/offers/{subject}", "qos", "1"));
        assertThat(tree(r.emitted().get(0).get("data"))).isEqualTo(tree(data("""
            {"id": "s-1", "organization": "o-1", "name": "Schuldnerberatung", "changed": ["name"],
             "modified": "2026-12-02T10:00:00Z", "new": true}""")));
        assertThat(tree(r.emitted().get(1).get("data"))).isEqualTo(tree(data("""
            {"id": "s-3", "organization": "o-1", "name": "BERATUNG für Familien", "changed": ["phones"],
             "modified": "2026-12-02T10:07:00Z", "new": false}""")));
    }

    @Test
    void aTemplateMakesASecretWhenNoneIsGivenAndRefusesAValueThatWouldEscapeItsPlace() {
        FlowTemplates.Instance i = FlowTemplates.instantiate("co2-alert-webhook",
            Map.of("name", "a", "school", "sim-01", "url", "https://example.org/x"));
        assertThat(i.generated().get("secret")).startsWith("whsec_").hasSizeGreaterThan(30);
        assertThat(FlowParser.parse(i.definition()).secrets()).containsValue(i.generated().get("secret"));
        assertThatThrownBy(() -> FlowTemplates.instantiate("co2-alert-webhook", Map.of("name", "a",
            "school", "sim-01'\n  - exec: x", "url", "https://example.org/x")))
            .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("parameters.school");
    }

    @Test
    void aDryRunBusOutAndSplitAndAggregateEmitWhatTheFlowWould() throws Exception {
        Flow flow = FlowParser.parse("""
            name: rooms
            from: {bus: air.reading}
            steps:
              - filter: co2 > 1000
              - split: '[{"q": "co2", "v": co2}, {"q": "t", "v": temperature}]'
              - aggregate: {size: 2, seconds: 60}
              - transform: '{"n": $count($), "sum": $sum($.v)}'
              - bus: {type: city.rooms, subject: '"room/" & $subject'}
            """);
        DryRun.Result r = DryRun.run(flow, List.of(
            new DryRun.Sample("air.reading", "s/r1", null, null, null, data("{\"co2\": 1200, \"temperature\": 21}")),
            new DryRun.Sample("air.reading", "s/r2", null, null, null, data("{\"co2\": 800, \"temperature\": 19}"))));
        assertThat(r.failed()).isEmpty();
        assertThat(r.emitted()).hasSize(1);
        assertThat(r.emitted().get(0)).containsEntry("kind", "bus").containsEntry("type", "city.rooms")
            .containsEntry("subject", "room/s/r1");
        assertThat(tree(r.emitted().get(0).get("data"))).isEqualTo(tree(data("{\"n\": 2, \"sum\": 1221}")));
    }
}
