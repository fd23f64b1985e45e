package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.Caller;
import de.datenhafen.api.RetryableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service's edit ({@code POST /services}, {@code PUT /services/{id}}) is open to any known caller, so who may edit is
 * asked before its body is parsed, the body is held to one service's bounds rather than an import's, and only
 * {@link Limits#EDITS_AT_ONCE} are taken at once (the finding: ten viewers' bodies of 2 million values each took the
 * hub's heap).
 */
class ServiceEditLimitsTest {

    /** A body that is no JSON: from a caller who may edit, a 400; so a 403 for it shows it was not parsed. */
    private static final byte[] NOT_JSON = "{\"id\": ".getBytes(StandardCharsets.UTF_8);
    private static final String ONE_SERVICE = "the most for one service; a larger change goes through POST /import";

    private Directory dir;
    private ObjectNode serviceOfA;
    private String orgA;
    private long version;

    @BeforeEach
    void open() throws Exception {
        dir = TestDb.demoDirectory("edit-limits");
        List<ObjectNode> services = dir.export().services();
        serviceOfA = services.get(0);
        orgA = Json.str(serviceOfA, "organization_id");
        dir.setMember(orgA, "member-a");
        String orgB = services.stream().map(s -> Json.str(s, "organization_id")).filter(o -> !o.equals(orgA))
            .findFirst().orElseThrow();
        dir.setMember(orgB, "member-b");
        version = dir.version();
    }

    private Api.Response send(String method, String path, Caller caller, byte[] body) {
        return HubAnswers.of(api(Limits.DEFAULTS), new Api.Request(method, path, null, caller, "application/json",
            body));
    }

    private Api api(Limits limits) {
        return new Api(dir, limits, null);
    }

    private String newServicePath() {
        return "services/" + CityTaxonomy.uuid("edit-limits-new");
    }

    private void assertAnswer(Api.Response r, int status, String error, String field) {
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(status);
        assertThat(r.body().get("error").asText()).isEqualTo(error);
        assertThat(r.body().get("field").asText()).isEqualTo(field);
    }

    private void assertNothingChanged() {
        assertThat(dir.version()).isEqualTo(version);
        assertThat(dir.outbox(10)).isEmpty();
        assertThat(dir.service(Json.str(serviceOfA, "id")).json()).isEqualTo(serviceOfA);
    }

    @Test
    void aViewerGets403ForABodyThatWouldBeA400SoItWasNotParsed() {
        Caller viewerOfA = new Caller("token", "tok-viewer", "member-a", Set.of(Caller.VIEWER), null, null);

        assertAnswer(send("PUT", newServicePath(), viewerOfA, NOT_JSON), 403, "changing the directory's services "
            + "needs the role member-editor of the member their organization belongs to (or hub-admin)", "Authorization");
        assertAnswer(send("POST", "services", viewerOfA, NOT_JSON), 403, "changing the directory's services "
            + "needs the role member-editor of the member their organization belongs to (or hub-admin)", "Authorization");
        assertThat(send("PUT", newServicePath(), Callers.editorOf("member-a"), NOT_JSON).status())
            .as("the same body from the member's editor").isEqualTo(400);
        assertNothingChanged();
    }

    @Test
    void anEditorOfAMemberWithoutOrganisationsGets403ForABodyThatWouldBeA400() {
        Api.Response r = send("POST", "services", Callers.editorOf("ohne-organisation"), NOT_JSON);

        assertAnswer(r, 403, "no organization of the directory belongs to member ohne-organisation; its editors change "
            + "services once the directory's staff give it one (PUT /organizations/{id}/member)", "Authorization");
        assertNothingChanged();
    }

    @Test
    void anotherMembersEditorReplacingAStoredServiceGets403BeforeItsBodyIsParsed() {
        Api.Response r = send("PUT", "services/" + Json.str(serviceOfA, "id"), Callers.editorOf("member-b"), NOT_JSON);

        assertAnswer(r, 403, "organization " + orgA + " belongs to member member-a; changing its services needs the "
            + "role member-editor of member member-a", "Authorization");
        assertNothingChanged();
    }

    @Test
    void anEditBodyPastOneMebibyteIs413NamingTheLimit() {
        byte[] body = new byte[Limits.MAX_EDIT_BYTES + 1];
        java.util.Arrays.fill(body, (byte) ' ');

        assertAnswer(send("PUT", newServicePath(), Callers.owner(), body), 413, "the body is 1048577 bytes; at most "
            + "1048576 bytes (" + ONE_SERVICE + ")", "body");
        assertNothingChanged();
    }

    @Test
    void anEditOfMoreValuesThanOneServiceMayHoldIs413NamingTheLimit() {
        // the finding's body, 200 times smaller: {"a":[{},{},...]}
        byte[] body = ("{\"a\":[" + "{},".repeat(Limits.MAX_EDIT_VALUES) + "{}]}").getBytes(StandardCharsets.UTF_8);
        assertThat(body.length).isLessThan(Limits.MAX_EDIT_BYTES);

        assertAnswer(send("PUT", newServicePath(), Callers.owner(), body), 413, "the body holds more than 10000 JSON "
            + "values (" + ONE_SERVICE + ")", "body");
        assertNothingChanged();
    }

    @Test
    void aLowerMaxImportValuesBoundsEditsTooAndIsTheLimitNamed() {
        Limits low = new Limits(500, 200, 10, 20, 64, 128, 64, 100, 50);
        Api.Response r = HubAnswers.of(api(low), new Api.Request("PUT", "services/" + Json.str(serviceOfA, "id"), null,
            Callers.owner(), "application/json", Json.bytes(serviceOfA)));

        assertAnswer(r, 413, "the body holds more than 50 JSON values (max-import-values)", "body");
        assertNothingChanged();
    }

    @Test
    void anEditNestedDeeperThanAServiceNeedsIs400NamingTheLimit() {
        Api.Response tooDeep = send("PUT", newServicePath(), Callers.owner(), nested(Limits.MAX_EDIT_DEPTH + 1));
        Api.Response deepest = send("PUT", newServicePath(), Callers.owner(), nested(Limits.MAX_EDIT_DEPTH));

        assertAnswer(tooDeep, 400, "the body nests objects and arrays deeper than 20 levels (" + ONE_SERVICE + ")",
            "body");
        assertThat(deepest.status()).isEqualTo(400);
        assertThat(deepest.body().get("problems")).as("20 levels are read, and the service checked").isNotNull();
        assertNothingChanged();
    }

    /** A service object (without its required fields) holding {@code levels - 1} nested arrays. */
    private static byte[] nested(int levels) {
        return ("{\"id\":\"" + CityTaxonomy.uuid("edit-limits-new") + "\",\"a\":" + "[".repeat(levels - 1)
            + "]".repeat(levels - 1) + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aServiceWithSixtySchedulesFitsTheEditLimits() {
        ObjectNode big = serviceOfA.deepCopy().put("description", "Sechzig Termine / sixty dates");
        ArrayNode schedules = big.putArray("schedules");
        for (int i = 0; i < 60; i++) {
            schedules.addObject().put("id", CityTaxonomy.uuid("edit-limits-schedule-" + i))
                .put("service_id", Json.str(big, "id")).put("freq", "WEEKLY").put("byday", "MO")
                .put("opens_at", String.format("%02d:00", 8 + i % 8)).put("closes_at", String.format("%02d:30", 8 + i % 8))
                .put("dtstart", "2027-01-04").put("valid_from", "2027-01-04").put("valid_to", "2027-12-31")
                .put("description", "Termin " + i + " / date " + i);
        }

        Api.Response r = send("PUT", "services/" + Json.str(big, "id"), Callers.editorOf("member-a"), Json.bytes(big));

        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
        assertThat(r.body().get("service").get("schedules")).hasSize(60);
    }

    @Test
    void whileFourEditsAreTakenAFifthIs503WithRetryAfterAndItsBodyIsNotParsed() {
        Api api = api(Limits.DEFAULTS);
        Api.Request fifth = new Api.Request("PUT", newServicePath(), null, Callers.editorOf("member-a"),
            "application/json", NOT_JSON);
        dir.editing().acquireUninterruptibly(Limits.EDITS_AT_ONCE); // as four edits being taken hold them
        try {
            assertThatThrownBy(() -> api.handle(fifth)).isInstanceOfSatisfying(RetryableException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("the directory is taking 4 edits of services at once, its most; "
                    + "send this one again in a moment");
                assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            });
        } finally {
            dir.editing().release(Limits.EDITS_AT_ONCE);
        }
        assertThat(HubAnswers.of(api, fifth).status()).as("once one has finished").isEqualTo(400);
        assertNothingChanged();
    }

    @Test
    void everyEditGivesItsPlaceBackHoweverItEnds() {
        ObjectNode renamed = serviceOfA.deepCopy().put("name", "Neuer Name");
        ObjectNode newOfA = serviceOfA.deepCopy().put("id", CityTaxonomy.uuid("edit-limits-new"));
        ObjectNode invalid = serviceOfA.deepCopy().put("status", "vielleicht");
        byte[] tooMany = ("[" + "1,".repeat(Limits.MAX_EDIT_VALUES) + "1]").getBytes(StandardCharsets.UTF_8);
        String path = "services/" + Json.str(serviceOfA, "id");

        assertThat(List.of(send("PUT", path, Callers.editorOf("member-a"), Json.bytes(renamed)).status(),
            send("PUT", path, Callers.editorOf("member-a"), Json.bytes(invalid)).status(),
            send("PUT", path, Callers.editorOf("member-a"), NOT_JSON).status(),
            send("PUT", path, Callers.editorOf("member-a"), tooMany).status(),
            send("POST", "services", Callers.editorOf("member-b"), Json.bytes(newOfA)).status()))
            .as("renamed, invalid, no JSON, too many values, another member's organisation")
            .containsExactly(200, 400, 400, 413, 403);
        assertThat(dir.editing().availablePermits()).isEqualTo(Limits.EDITS_AT_ONCE);
    }
}
