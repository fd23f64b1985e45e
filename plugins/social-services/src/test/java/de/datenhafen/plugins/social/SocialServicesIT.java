package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.RecordedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The social-services plugin loaded from its packaged archive into a real hub, with the demo directory. Who may write
 * is the hub's members: the owning member {@code social-smart-city} (the plugin's provider) imports and gives
 * organisations to members; member {@code kleinhafen-hilfe} ("A") and member {@code nachbarhilfe} ("B") edit the
 * services of their own organisations.
 */
class SocialServicesIT {

    private static final String ROOT = "/api/v1/plugins/social-services";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    /** Tokens with the role member-editor: of the owner, of A, of B; A's scoped to another plugin; A's viewer. */
    static String owner;
    static String editorA;
    static String editorB;
    static String scopedA;
    static String viewerA;

    @BeforeAll
    static void createMembersAndDirectory() {
        HubClient admin = hub.client();
        member(admin, "social-smart-city", "Social Smart City working group");
        member(admin, "kleinhafen-hilfe", "Kleinhafener Hilfe e.V.");
        member(admin, "nachbarhilfe", "Nachbarhilfe Nachbarstadt");
        owner = token(admin, "social-smart-city", new JsonObject().put("name", "directory-staff")
            .put("roles", new JsonArray().add("member-editor")));
        editorA = token(admin, "kleinhafen-hilfe", new JsonObject().put("name", "services-editor")
            .put("roles", new JsonArray().add("member-editor")));
        editorB = token(admin, "nachbarhilfe", new JsonObject().put("name", "services-editor")
            .put("roles", new JsonArray().add("member-editor")));
        scopedA = token(admin, "kleinhafen-hilfe", new JsonObject().put("name", "transit-only")
            .put("roles", new JsonArray().add("member-editor")).put("scope", new JsonObject().put("plugin", "transit")));
        viewerA = token(admin, "kleinhafen-hilfe", new JsonObject().put("name", "reader")
            .put("roles", new JsonArray().add("viewer")));
        HubClient.Response created = admin.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "directory").put("connector", "hsds-directory")
            .put("config", new JsonObject().put("demo-data", true).put("outbox-period", "200ms")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(events(Directory.CREATED)).hasSize(50));
    }

    private static void member(HubClient admin, String id, String name) {
        HubClient.Response r = admin.post("/api/v1/admin/members", new JsonObject().put("id", id).put("name", name));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private static String token(HubClient admin, String member, JsonObject request) {
        HubClient.Response r = admin.post("/api/v1/admin/members/" + member + "/tokens", request);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().getString("token");
    }

    /** Gives organisation {@code org} to {@code member} as the owner's editor does. */
    private static void giveTo(String org, String member) {
        HubClient.Response r = hub.client().withToken(owner).put(ROOT + "/organizations/" + org + "/member",
            new JsonObject().put("member", member));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(new JsonObject().put("organization_id", org).put("member", member));
    }

    /** The id of the organisation at {@code index} of the list (sorted by id), given to {@code member}. */
    private static String givenTo(int index, String member) {
        String org = get("/organizations?per_page=20").json().getJsonArray("contents").getJsonObject(index)
            .getString("id");
        giveTo(org, member);
        return org;
    }

    private static JsonObject firstServiceOf(String org) {
        return get("/services?organization_id=" + org).json().getJsonArray("contents").getJsonObject(0);
    }

    private static List<RecordedEvent> events(String type) {
        return hub.events(type);
    }

    /**
     * How many events of this type are on the bus once what earlier tests changed has left the plugin's outbox: the
     * count must stand still for 600 ms before it is taken.
     */
    private static int settledCount(String type) {
        java.util.concurrent.atomic.AtomicInteger last = new java.util.concurrent.atomic.AtomicInteger(-1);
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(10)).until(() -> {
            int now = events(type).size();
            return last.getAndSet(now) == now;
        });
        return last.get();
    }

    private static HubClient.Response get(String path) {
        return hub.client().anonymous().get(ROOT + path);
    }

    @Test
    void theSchemaValidatorIsBundledInTheArchiveAndNotOnTheHubsClassPath() throws Exception {
        assertThatThrownBy(() -> Class.forName("com.networknt.schema.SchemaRegistry"))
            .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.vertx.json.schema.Validator"))
            .isInstanceOf(ClassNotFoundException.class);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(System.getProperty("datenhafen.plugin.archive"))) {
            assertThat(zip.stream().map(java.util.zip.ZipEntry::getName))
                .anyMatch(n -> n.matches("lib/json-schema-validator-[0-9.]+\\.jar"))
                .anyMatch(n -> n.matches("lib/itu-[0-9.]+\\.jar"))
                .anyMatch(n -> n.equals("classes/hsds-schema/service.json"))
                .noneMatch(n -> n.startsWith("lib/jackson-"))
                .noneMatch(n -> n.startsWith("lib/vertx-json-schema"))
                .noneMatch(n -> n.startsWith("lib/vertx-core"));
        }
    }

    /** The service in the README's example of {@code POST /services}: the here-document of its curl command. */
    private static String readmeService() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        int start = readme.indexOf("/services <<'EOF'\n");
        assertThat(start).as("the README's POST /services example").isPositive();
        int from = readme.indexOf('\n', start) + 1;
        return readme.substring(from, readme.indexOf("\nEOF\n", from));
    }

    @Test
    void theReadmesServiceExampleIsCreatedThenUnchangedWhenSentAgain() throws Exception {
        String body = readmeService();

        HubClient.Response created = hub.client().withToken(owner).post(ROOT + "/services", "application/json", body);
        HubClient.Response again = hub.client().withToken(owner).post(ROOT + "/services", "application/json", body);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().getInteger("created")).isEqualTo(1);
        assertThat(created.json().getJsonObject("service").getString("name")).isEqualTo("Mieterberatung");
        assertThat(created.json().getJsonObject("service").getString("organization_id"))
            .isEqualTo("8eae5bfb-d756-3842-bbc0-ba07bf863cfa");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().getInteger("unchanged")).isEqualTo(1);
        assertThat(get("/services/5b0e7f3c-2d6a-4c1e-9f8a-3c7d2e1b4a90").status()).isEqualTo(200);
        assertThat(get("/organizations/8eae5bfb-d756-3842-bbc0-ba07bf863cfa").json().getString("name"))
            .isEqualTo("Diakonisches Werk Kleinhafen");
    }

    /**
     * A service or an import that readers read differently (Jackson alone took each: the last of two names, the lone
     * surrogate as text, the first of two values, C0 AE as a dot) is refused as the hub's own doors refuse such
     * bodies, a problem of the document naming the field, and nothing is stored.
     */
    @Test
    void aServiceOrAnImportThatReadersReadDifferentlyIsRefusedNamingTheFieldAndNothingIsStored() throws Exception {
        String id = "5b0e7f3c-2d6a-4c1e-9f8a-3c7d2e1b4a99";
        String service = readmeService().replace("5b0e7f3c-2d6a-4c1e-9f8a-3c7d2e1b4a90", id);
        assertThat(service).contains("\"name\": \"Mieterberatung\",");

        HubClient.Response twice = hub.client().withToken(owner).post(ROOT + "/services", "application/json",
            service.replace("\"name\": \"Mieterberatung\",", "\"name\": \"Mieterberatung\", \"name\": \"Wehr\","));
        HubClient.Response lone = hub.client().withToken(owner).post(ROOT + "/services", "application/json",
            service.replace("\"name\": \"Mieterberatung\",", "\"name\": \"Mieter\\ud800beratung\","));
        HubClient.Response after = hub.client().withToken(owner).post(ROOT + "/services", "application/json",
            service + "\n{}");
        byte[] head = "{\"services\":[{\"name\":\"/p".getBytes(StandardCharsets.UTF_8);
        byte[] overlong = java.util.Arrays.copyOf(head, head.length + 6);
        overlong[head.length] = (byte) 0xC0;
        overlong[head.length + 1] = (byte) 0xAE;
        overlong[head.length + 2] = '"';
        overlong[head.length + 3] = '}';
        overlong[head.length + 4] = ']';
        overlong[head.length + 5] = '}';
        HubClient.Response imported = hub.client().withToken(owner).post(ROOT + "/import", "application/json",
            overlong);

        assertThat(twice.status()).as(twice.body()).isEqualTo(400);
        assertThat(twice.json().getString("field")).isEqualTo("name");
        assertThat(twice.json().getString("error")).isEqualTo("document ?: name is given twice in one object; each "
            + "name once (which of the two a reader keeps differs from reader to reader)");
        assertThat(lone.status()).as(lone.body()).isEqualTo(400);
        assertThat(lone.json().getString("field")).isEqualTo("name");
        assertThat(lone.json().getString("error")).startsWith("document ?: name holds the escape \\ud800, an "
            + "unpaired UTF-16 surrogate");
        assertThat(after.status()).as(after.body()).isEqualTo(400);
        assertThat(after.json().getString("field")).isEqualTo("body");
        assertThat(after.json().getString("error")).startsWith("document ?: body holds more after its JSON value, at "
            + "line " + (service.lines().count() + 1) + ", column 1");
        assertThat(imported.status()).as(imported.body()).isEqualTo(400);
        assertThat(imported.json().getString("field")).isEqualTo("body");
        assertThat(imported.json().getString("error")).startsWith("document ?: body is not well-formed UTF-8: C0 AE "
            + "at byte " + head.length + " of the body is an overlong form");
        assertThat(get("/services/" + id).status()).isEqualTo(404);
    }

    @Test
    void anEmptyBodyOfAServiceOrAnImportIsRefusedSayingWhatToSend() {
        HubClient.Response service = hub.client().withToken(owner).post(ROOT + "/services", "application/json", "");
        HubClient.Response imported = hub.client().withToken(owner).post(ROOT + "/import", "application/json", "");

        assertThat(service.status()).isEqualTo(400);
        assertThat(service.json()).isEqualTo(new JsonObject().put("error", "the request body is empty; send one HSDS "
            + "service object with id, organization_id, name and status").put("field", "body"));
        assertThat(imported.status()).isEqualTo(400);
        assertThat(imported.json()).isEqualTo(new JsonObject().put("error", "the request body is empty; send an HSDS "
            + "JSON document set (application/json) or a tabular data package (application/zip)").put("field", "body"));
    }

    @Test
    void answersTheHsdsRootWithVersionAndProfile() {
        JsonObject root = get("/").json();
        assertThat(root.getString("version")).isEqualTo("3.1");
        assertThat(root.getString("profile")).startsWith("https://docs.openreferral.org/");
    }

    @Test
    void pagesServicesTheHsdsWayAndFiltersCumulatively() {
        JsonObject page = get("/services?per_page=10&page=2").json();
        int total = page.getInteger("total_items");
        assertThat(total).isGreaterThanOrEqualTo(49); // the demo's 50, give or take what other tests add or withdraw
        assertThat(page.getInteger("total_pages")).isEqualTo((total + 9) / 10);
        assertThat(page.getInteger("page_number")).isEqualTo(2);
        assertThat(page.getBoolean("first_page")).isFalse();
        assertThat(page.getJsonArray("contents")).hasSize(10);

        JsonObject org = get("/organizations?per_page=1").json().getJsonArray("contents").getJsonObject(0);
        String debt = CityTaxonomy.termId("debt");
        JsonObject byOrg = get("/services?organization_id=" + org.getString("id")).json();
        assertThat(byOrg.getInteger("total_items")).isEqualTo(4);
        JsonObject both = get("/services?organization_id=" + org.getString("id") + "&taxonomy_term_id=" + debt).json();
        for (Object s : both.getJsonArray("contents")) {
            JsonObject svc = (JsonObject) s;
            assertThat(svc.getString("organization_id")).isEqualTo(org.getString("id"));
            assertThat(svc.getJsonArray("attributes").encode()).contains(debt);
        }
        assertThat(get("/services?modified_after=2999-01-01T00:00:00Z").json().getInteger("total_items")).isZero();
    }

    @Test
    void returnsOneServiceWithItsOrganisationAndLocations() {
        JsonObject first = get("/services?per_page=1").json().getJsonArray("contents").getJsonObject(0);
        JsonObject svc = get("/services/" + first.getString("id")).json();
        assertThat(svc.getJsonObject("organization").getString("name")).isNotBlank();
        JsonObject sal = svc.getJsonArray("service_at_locations").getJsonObject(0);
        assertThat(sal.getJsonObject("location").getJsonArray("addresses").getJsonObject(0).getString("city"))
            .isEqualTo("Kleinhafen");
        JsonObject salAnswer = get("/service_at_locations/" + sal.getString("id")).json();
        assertThat(salAnswer.getJsonObject("service").getString("id")).isEqualTo(first.getString("id"));
        assertThat(get("/services/00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
    }

    @Test
    void listsTheCityTaxonomyInGermanWithEnglishBeside() {
        assertThat(get("/taxonomies").json().getJsonArray("contents")).hasSize(1);
        JsonArray terms = get("/taxonomy_terms?per_page=100").json().getJsonArray("contents");
        assertThat(terms.stream().map(t -> ((JsonObject) t).getString("name") + " / "
            + ((JsonObject) t).getString("description"))).contains("Schuldnerberatung / Debt counselling");
    }

    @Test
    void citizensFindDebtCounsellingBySchuldenWithAReason() {
        JsonObject r = get("/search?q=" + enc("Schulden")).json();
        assertThat(r.getInteger("total_items")).isPositive();
        JsonObject hit = r.getJsonArray("contents").getJsonObject(0);
        assertThat(hit.getString("name")).isEqualTo("Schuldnerberatung");
        assertThat(hit.getString("reason")).startsWith("'schuld' in name (beginning of the word 'schuldnerberatung')");
    }

    @Test
    void theReadmesShowcaseSearchFindsTheDebtCounsellingInTurkishAndOpenNowFindsTheCrisisLine() {
        JsonObject showcase = get("/search?q=Schulden&topic=debt&language=tr&free=true&accessibility=step-free"
            + "&lat=53.87&lon=10.69&radius_km=3").json();
        assertThat(showcase.getInteger("total_items")).isEqualTo(1);
        assertThat(showcase.getJsonArray("contents").getJsonObject(0).getString("name"))
            .isEqualTo("Schuldnerberatung auf Türkisch");

        // whenever the build runs: the crisis line is open around the clock
        JsonObject open = get("/search?q=Krise&open_now=true").json();
        assertThat(open.getJsonArray("contents").stream().map(o -> (JsonObject) o)
            .filter(h -> h.getString("name").equals("Krisentelefon")))
            .singleElement().satisfies(h -> assertThat(h.getString("reason")).endsWith("open around the clock"));
    }

    @Test
    void searchFiltersByTopicLanguageCostAccessDistanceAndOpeningTime() {
        JsonObject r = get("/search?topic=migration&language=ar&free=true&accessibility=step-free"
            + "&lat=53.87&lon=10.69&radius_km=10&open_at=" + enc(nextWeekday() + "T10:30")).json();
        for (Object o : r.getJsonArray("contents")) {
            JsonObject hit = (JsonObject) o;
            assertThat(hit.getString("reason")).contains("topic Migrationsberatung / Migration advice",
                "offered in 'ar'", "free of charge", "access: step-free", "open until", "km away");
        }
        JsonObject sunday = get("/search?open_at=" + enc(nextSunday() + "T11:00")).json();
        assertThat(sunday.getInteger("total_items")).isLessThan(50);
        HubClient.Response bad = get("/search?lat=53.8");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("field")).isEqualTo("lon");
        assertThat(get("/search?topic=nonsense").json().getString("error"))
            .isEqualTo("topic names no term 'nonsense' (use a term code such as 'debt' or a term id)");
    }

    @Test
    void aMembersEditorEditsItsOwnOrganisationsServicesAndEachChangeIsAnEvent() throws Exception {
        JsonObject own = firstServiceOf(givenTo(1, "kleinhafen-hilfe"));
        String ownId = own.getString("id");
        own.remove("organization");
        own.put("description", "Jetzt auch samstags / now on Saturdays too");
        int updatesBefore = settledCount(Directory.UPDATED);
        HttpResponse<String> put = put(ROOT + "/services/" + ownId, editorA, own.encode());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(events(Directory.UPDATED)).hasSize(updatesBefore + 1));
        RecordedEvent ev = events(Directory.UPDATED).get(updatesBefore);
        assertThat(ev.subject()).isEqualTo("services/" + ownId);
        assertThat(ev.member()).as("the owning member's id, not the provider's name").isEqualTo("social-smart-city");
        assertThat(ev.dataString()).contains("\"changed\":[\"description\"]");
        assertThat(get("/services/" + ownId).json().getString("description"))
            .isEqualTo("Jetzt auch samstags / now on Saturdays too");

        HubClient.Response withdrawn = hub.client().withToken(editorA).delete(ROOT + "/services/" + ownId);
        assertThat(withdrawn.status()).as(withdrawn.body()).isEqualTo(200);
        assertThat(get("/services/" + ownId).status()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events(Directory.DELETED))
            .anyMatch(e -> e.subject().equals("services/" + ownId)));
    }

    @Test
    void anotherMembersEditorGets403AndNothingChanges() throws Exception {
        String ofA = givenTo(6, "kleinhafen-hilfe");
        String ofOwner = get("/organizations?per_page=8").json().getJsonArray("contents").getJsonObject(7)
            .getString("id");
        JsonObject service = firstServiceOf(ofA);
        String id = service.getString("id");
        JsonObject changed = service.copy();
        changed.remove("organization");
        changed.put("description", "von Nachbarhilfe geändert");

        HttpResponse<String> put = put(ROOT + "/services/" + id, editorB, changed.encode());
        HubClient.Response deleted = hub.client().withToken(editorB).delete(ROOT + "/services/" + id);
        JsonObject hijack = firstServiceOf(ofOwner);
        hijack.remove("organization");
        hijack.put("organization_id", ofA);
        HttpResponse<String> moved = put(ROOT + "/services/" + hijack.getString("id"), editorA, hijack.encode());

        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(put.body())).isEqualTo(new JsonObject().put("error", "organization " + ofA
            + " belongs to member kleinhafen-hilfe; changing its services needs the role member-editor of member "
            + "kleinhafen-hilfe").put("field", "Authorization"));
        assertThat(deleted.status()).isEqualTo(403);
        assertThat(moved.statusCode()).as("A's editor taking the owner's service into A's organisation").isEqualTo(403);
        assertThat(get("/services/" + id).json()).isEqualTo(service);
        assertThat(get("/services/" + hijack.getString("id")).json().getString("organization_id")).isEqualTo(ofOwner);
    }

    @Test
    void aViewerOfTheOrganisationsMemberGets403() throws Exception {
        JsonObject service = firstServiceOf(givenTo(8, "kleinhafen-hilfe"));

        HubClient.Response r = hub.client().withToken(viewerA).delete(ROOT + "/services/" + service.getString("id"));

        assertThat(r.status()).isEqualTo(403);
        assertThat(get("/services/" + service.getString("id")).status()).isEqualTo(200);
    }

    /** No JSON: from a caller who may edit a 400, so a 403 for it shows that it was not parsed. */
    private static final String NOT_JSON = "{\"id\": ";

    @Test
    void aViewerOrAMemberWithoutOrganisationsGets403ForAnEditBeforeItsBodyIsParsed() throws Exception {
        HubClient admin = hub.client();
        member(admin, "ohne-angebote", "Verein ohne Angebote im Verzeichnis");
        String withoutOrganisations = token(admin, "ohne-angebote", new JsonObject().put("name", "services-editor")
            .put("roles", new JsonArray().add("member-editor")));
        givenTo(10, "kleinhafen-hilfe"); // the viewer's member has organisations
        String path = ROOT + "/services/" + CityTaxonomy.uuid("it-edit-before-parse");

        HttpResponse<String> viewer = put(path, viewerA, NOT_JSON);
        HttpResponse<String> noOrganisation = put(path, withoutOrganisations, NOT_JSON);
        HttpResponse<String> staff = put(path, owner, NOT_JSON);

        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(viewer.body())).isEqualTo(new JsonObject().put("error", "changing the directory's "
            + "services needs the role member-editor of the member their organization belongs to (or hub-admin)")
            .put("field", "Authorization"));
        assertThat(noOrganisation.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(noOrganisation.body()).getString("error")).isEqualTo("no organization of the "
            + "directory belongs to member ohne-angebote; its editors change services once the directory's staff give "
            + "it one (PUT /organizations/{id}/member)");
        assertThat(staff.statusCode()).as("the same body from the staff").isEqualTo(400);
    }

    @Test
    void anEditPastOneServicesBoundsIsRefusedNamingTheLimit() throws Exception {
        String path = ROOT + "/services/" + CityTaxonomy.uuid("it-edit-bounds");

        HttpResponse<String> tooLong = put(path, owner, " ".repeat(Limits.MAX_EDIT_BYTES + 1));
        HttpResponse<String> tooMany = put(path, owner, "{\"a\":[" + "{},".repeat(Limits.MAX_EDIT_VALUES) + "{}]}");
        HttpResponse<String> tooDeep = put(path, owner, "{\"a\":" + "[".repeat(Limits.MAX_EDIT_DEPTH)
            + "]".repeat(Limits.MAX_EDIT_DEPTH) + "}");

        assertThat(tooLong.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(tooLong.body())).isEqualTo(new JsonObject().put("error", "the body is larger than "
            + "the 1048576 bytes this endpoint accepts").put("field", "body"));
        assertThat(tooMany.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(tooMany.body())).isEqualTo(new JsonObject().put("error", "the body holds more than "
            + "10000 JSON values (the most for one service; a larger change goes through POST /import)")
            .put("field", "body"));
        assertThat(tooDeep.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(tooDeep.body()).getString("error")).isEqualTo("the body nests objects and arrays "
            + "deeper than 20 levels (the most for one service; a larger change goes through POST /import)");
        assertThat(get("/services/" + CityTaxonomy.uuid("it-edit-bounds")).status()).isEqualTo(404);
    }

    /**
     * The probe's flood (edit-flood2.sh): ten bodies of 2 million values at once, which took the hub's heap, are
     * refused for their size before they are read; and a flood of edits within the bounds is taken at most four at a
     * time, the others answered 503 with Retry-After. The hub answers afterwards.
     */
    @Test
    void aFloodOfHeavyEditsIsRefusedOrBoundedAndTheHubStaysUp() {
        String probe = "{\"a\":[" + "{},".repeat(1_999_990) + "{}]}";
        String heavy = "{\"a\":[" + "{},".repeat(Limits.MAX_EDIT_VALUES - 3) + "{}]}";
        HttpClient client = HttpClient.newHttpClient();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> flood = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            flood.add(client.sendAsync(putRequest(ROOT + "/services/" + CityTaxonomy.uuid("it-flood-" + i), viewerA,
                probe), HttpResponse.BodyHandlers.ofString()));
        }
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> bounded = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            bounded.add(client.sendAsync(putRequest(ROOT + "/services/" + CityTaxonomy.uuid("it-bounded-" + i), owner,
                heavy), HttpResponse.BodyHandlers.ofString()));
        }

        assertThat(flood).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(413));
        assertThat(bounded).allSatisfy(f -> {
            HttpResponse<String> r = f.join();
            assertThat(r.statusCode()).as(r.body()).isIn(400, 503);
            if (r.statusCode() == 503) {
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("the directory is taking 4 edits of "
                    + "services at once, its most; send this one again in a moment");
            } else {
                assertThat(new JsonObject(r.body()).getJsonArray("problems")).isNotEmpty();
            }
        });
        assertThat(get("/").status()).isEqualTo(200);
    }

    @Test
    void anAnonymousOrUnknownWriteGets401AndTheOldOrganisationTokenEndpointIsGone() {
        JsonObject service = get("/services?per_page=1").json().getJsonArray("contents").getJsonObject(0);
        String id = service.getString("id");

        HubClient.Response anonymous = hub.client().anonymous().delete(ROOT + "/services/" + id);
        HubClient.Response unknown = hub.client().withToken("dh_aaaaaaaaaaaa_not-a-secret").delete(ROOT + "/services/"
            + id);
        HubClient.Response importing = hub.client().anonymous().post(ROOT + "/import", "application/json", "{}");
        HubClient.Response tokens = hub.client().withToken(owner).post(ROOT + "/organizations/"
            + service.getString("organization_id") + "/tokens");

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().getString("error")).isEqualTo("this needs a token (Authorization: Bearer <token>) "
            + "or a session of a member with the role member-editor");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(importing.status()).isEqualTo(401);
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(405);
        assertThat(get("/services/" + id).status()).isEqualTo(200);
    }

    @Test
    void aTokenScopedToAnotherPluginCannotReachTheDirectory() throws Exception {
        String ofA = givenTo(9, "kleinhafen-hilfe");
        JsonObject service = firstServiceOf(ofA);

        HubClient.Response delete = hub.client().withToken(scopedA).delete(ROOT + "/services/" + service.getString("id"));
        HubClient.Response member = hub.client().withToken(scopedA).put(ROOT + "/organizations/" + ofA + "/member",
            new JsonObject().put("member", "nachbarhilfe"));

        assertThat(delete.status()).isEqualTo(403);
        assertThat(delete.json().getString("error")).isEqualTo("this token is scoped to plugin transit");
        assertThat(member.status()).isEqualTo(403);
        assertThat(get("/services/" + service.getString("id")).status()).isEqualTo(200);
    }

    @Test
    void onlyTheOwnersEditorsImportAndGiveOrganisationsToMembersAndRefusalsAreAudited() {
        String org = get("/organizations?per_page=1").json().getJsonArray("contents").getJsonObject(0).getString("id");
        HubClient.Response imported = hub.client().withToken(editorA).post(ROOT + "/import", "application/json",
            "{\"services\":[]}");
        HubClient.Response taken = hub.client().withToken(editorA).put(ROOT + "/organizations/" + org + "/member",
            new JsonObject().put("member", "nachbarhilfe"));
        HubClient.Response bad = hub.client().withToken(owner).put(ROOT + "/organizations/" + org + "/member",
            new JsonObject().put("member", "Not A Member Id"));
        HubClient.Response missing = hub.client().withToken(owner).put(ROOT + "/organizations/"
            + "00000000-0000-0000-0000-000000000000/member", new JsonObject().put("member", "nachbarhilfe"));

        assertThat(imported.status()).isEqualTo(403);
        assertThat(imported.json().getString("error"))
            .isEqualTo("this endpoint needs the role member-editor of member social-smart-city (or hub-admin)");
        assertThat(taken.status()).isEqualTo(403);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("field")).isEqualTo("member");
        assertThat(missing.status()).isEqualTo(404);
        JsonArray entries = hub.client().get("/api/v1/admin/audit?member=kleinhafen-hilfe&limit=1000").json()
            .getJsonArray("entries");
        // a prefix route's action is its template with *, the rest of the path its target
        assertThat(entries.stream().map(o -> (JsonObject) o).filter(e -> e.getInteger("outcome") == 403
            && e.getString("action").equals("PUT " + ROOT + "/organizations*")
            && e.getString("target").equals("{path=/" + org + "/member}"))).hasSize(1);
    }

    @Test
    void anImportWithAMemberGivesItsOrganisationsToThatMember() {
        DataSet set = DemoData.generate(1, 1, 11, LocalDate.of(2026, 11, 26));
        byte[] zip = TabularWriter.zip(TabularWriter.write(set));
        String org = Json.str(set.organizations().get(0), "id");
        String service = Json.str(set.services().get(0), "id");

        HubClient.Response bad = hub.client().withToken(owner).post(ROOT + "/import?member=" + enc("../x"),
            "application/zip", zip);
        HubClient.Response r = hub.client().withToken(owner).post(ROOT + "/import?member=nachbarhilfe",
            "application/zip", zip);
        JsonObject doc = get("/services/" + service).json();
        doc.remove("organization");
        HubClient.Response byA = hub.client().withToken(editorA).delete(ROOT + "/services/" + service);
        HubClient.Response byB = hub.client().withToken(editorB).put(ROOT + "/services/" + service,
            "application/json", doc.put("name", "Von B umbenannt").encode());

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("field")).isEqualTo("member");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(byA.status()).isEqualTo(403);
        assertThat(byB.status()).as(byB.body()).isEqualTo(200);
        assertThat(get("/services/" + service).json().getString("name")).isEqualTo("Von B umbenannt");
        assertThat(get("/services/" + service).json().getString("organization_id")).isEqualTo(org);
    }

    @Test
    void anIntegrationWhoseConfigStillHasTheAdminTokenIsRefusedSayingWhatReplacesIt() {
        HubClient.Response created = hub.client().post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "old-directory").put("connector", "hsds-directory")
            .put("config", new JsonObject().put("admin-token", "an-old-directory-admin-token")));

        assertThat(created.status()).as(created.body()).isEqualTo(400);
        assertThat(created.json().getString("field")).isEqualTo("config.admin-token");
        assertThat(created.json().getString("error")).isEqualTo("config.admin-token: admin-token was replaced by "
            + "member tokens: give the users or tokens of the member that owns the plugin that import and manage "
            + "organisations the role member-editor, and each organisation's member (PUT "
            + "organizations/{id}/member) editor tokens for its services (README, 'Members, people and tokens'); "
            + "then remove admin-token from this integration's config");
        assertThat(created.body()).doesNotContain("an-old-directory-admin-token");
        assertThat(hub.client().get("/api/v1/admin/integrations/old-directory").status()).isEqualTo(404);
    }

    @Test
    void aLimitBelowOneIsRefusedNamingIt() {
        HubClient.Response r = hub.client().post("/api/v1/admin/integrations/validate", new JsonObject()
            .put("name", "tiny-directory").put("connector", "hsds-directory")
            .put("config", new JsonObject().put("max-page-size", 0)));

        assertThat(r.json().getJsonArray("problems").getJsonObject(0).getString("field"))
            .isEqualTo("config.max-page-size");
        assertThat(r.json().getJsonArray("problems").getJsonObject(0).getString("error"))
            .isEqualTo("must be at least 1; was 0");
    }

    @Test
    void aMembersEditorCannotTakeOverAnotherMembersLocationAndTheExportKeepsIt() {
        JsonArray orgs = get("/organizations?per_page=5").json().getJsonArray("contents");
        String mine = orgs.getJsonObject(3).getString("id");
        String theirs = orgs.getJsonObject(4).getString("id");
        giveTo(mine, "kleinhafen-hilfe");
        String token = editorA;
        JsonObject other = get("/services?organization_id=" + theirs).json().getJsonArray("contents").getJsonObject(0);
        JsonObject location = other.getJsonArray("service_at_locations").getJsonObject(0).getJsonObject("location");
        String locationId = location.getString("id");
        String id = CityTaxonomy.uuid("it-takeover");
        JsonObject svc = new JsonObject().put("id", id).put("organization_id", mine).put("name", "Übernahme")
            .put("status", "active").put("service_at_locations", new JsonArray().add(new JsonObject()
                .put("id", CityTaxonomy.uuid("it-takeover-sal")).put("location_id", locationId)
                .put("location", location.copy().put("name", "Gekapert").put("latitude", 1.0).put("longitude", 1.0))));

        HubClient.Response r = hub.client().withToken(token).post(ROOT + "/services", "application/json", svc.encode());

        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.json()).isEqualTo(new JsonObject().put("error", "location " + locationId
            + " belongs to organization " + theirs + " (member social-smart-city); an editor of organization " + mine
            + " may not change it")
            .put("field", "service_at_locations[0].location"));
        assertThat(get("/services/" + id).status()).isEqualTo(404);
        JsonObject exported = get("/export").json().getJsonArray("services").stream().map(JsonObject.class::cast)
            .filter(s -> s.getString("id").equals(other.getString("id"))).findFirst().orElseThrow();
        assertThat(exported.getJsonArray("service_at_locations").getJsonObject(0).getJsonObject("location"))
            .isEqualTo(location);

        svc.remove("id");
        HubClient.Response noId = hub.client().withToken(token).post(ROOT + "/services", "application/json",
            svc.encode());
        assertThat(noId.status()).as(noId.body()).isEqualTo(400);
        assertThat(noId.json().getString("field")).isEqualTo("id");
    }

    @Test
    void aSmallZipExpandingToHundredsOfMegabytesIsRefusedWithTheLimitNamed() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
            z.putNextEntry(new java.util.zip.ZipEntry("services.csv"));
            byte[] row = "0b9f0a56-5c1c-4d0a-9c53-3a1f4d5e6f70,Beratung,aktiv\n".repeat(1000)
                .getBytes(StandardCharsets.UTF_8);
            for (long written = 0; written < 300L << 20; written += row.length) {
                z.write(row);
            }
            z.closeEntry();
        }
        HubClient.Response r = hub.client().withToken(owner).post(ROOT + "/import", "application/zip",
            out.toByteArray());
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().getString("error")).endsWith("(max-import-ratio)");
        assertThat(r.json().getString("field")).isEqualTo("body");
        assertThat(hub.client().get("/health/ready").status()).isEqualTo(200);
    }

    @Test
    void anInvalidEditIsRefusedWithObjectIdAndFieldFromTheBundledSchemaValidator() throws Exception {
        JsonArray orgs = get("/organizations?per_page=3").json().getJsonArray("contents");
        String org = orgs.getJsonObject(2).getString("id");
        giveTo(org, "nachbarhilfe");
        String token = editorB;
        String id = CityTaxonomy.uuid("it-new-service");
        JsonObject svc = new JsonObject().put("id", id).put("organization_id", org).put("name", "Neue Beratung")
            .put("status", "active").put("schedules", new JsonArray().add(new JsonObject()
                .put("id", CityTaxonomy.uuid("it-sch")).put("freq", "DAILY").put("opens_at", "09:00")
                .put("closes_at", "12:00")));
        HubClient.Response r = hub.client().withToken(token).post(ROOT + "/services", "application/json", svc.encode());
        assertThat(r.status()).isEqualTo(400);
        // the message comes from the HSDS schema via networknt's validator, which only the plugin's lib/ holds
        assertThat(r.json().getJsonArray("problems").getJsonObject(0)).isEqualTo(new JsonObject()
            .put("object", "service").put("id", id).put("field", "schedules[0].freq")
            .put("message", "must be one of WEEKLY, MONTHLY; was 'DAILY' (HSDS schema schedule.json)"));
        assertThat(get("/services/" + id).status()).isEqualTo(404);

        svc.getJsonArray("schedules").getJsonObject(0).put("freq", "WEEKLY").put("byday", "MO");
        assertThat(hub.client().withToken(token).post(ROOT + "/services", "application/json", svc.encode()).status())
            .isEqualTo(201);
        assertThat(get("/search?q=" + enc("neue beratung")).json().getJsonArray("contents").getJsonObject(0)
            .getString("id")).isEqualTo(id);
    }

    @Test
    void aTabularReImportPublishesExactlyWhatChanged() {
        DataSet demo = DemoData.generate(3, 2, 7, LocalDate.of(2026, 11, 26));
        byte[] zip = TabularWriter.zip(TabularWriter.write(demo));
        // the events of these six services only: other tests' events may still leave the outbox meanwhile
        java.util.Set<String> subjects = demo.services().stream().map(s -> "services/" + s.get("id").asText())
            .collect(java.util.stream.Collectors.toSet());
        java.util.function.Supplier<List<String>> theirs = () -> events("social.service.*").stream()
            .filter(e -> subjects.contains(e.subject())).map(e -> e.type() + " " + e.subject()).toList();
        HubClient.Response first = hub.client().withToken(owner).post(ROOT + "/import", "application/zip", zip);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().getJsonObject("services").getInteger("created")).isEqualTo(6);
        assertThat(first.json().getJsonObject("organizations").getInteger("created")).isEqualTo(3);
        assertThat(first.json().getInteger("created")).as("the services and organisations").isEqualTo(9);
        // the events leave through the plugin's outbox after the commit: awaited, not counted at once
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(theirs.get()).hasSize(6)
            .allMatch(e -> e.startsWith(Directory.CREATED + " ")));

        HubClient.Response again = hub.client().withToken(owner).post(ROOT + "/import", "application/zip", zip);
        assertThat(again.json().getJsonObject("services").encode())
            .isEqualTo("{\"created\":0,\"updated\":0,\"deleted\":0,\"unchanged\":6}");
        assertThat(again.json().getJsonObject("organizations").encode())
            .isEqualTo("{\"created\":0,\"updated\":0,\"deleted\":0,\"unchanged\":3}");
        assertThat(hub.client().anonymous().post(ROOT + "/import", "application/zip", zip).status()).isEqualTo(401);
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(theirs.get()).hasSize(6));
    }

    @Test
    void anOrganisationWithItsServicesNestedMergesByDefaultAndDeletesOnlyWithModeReplace() {
        JsonObject export = get("/export").json();
        // an organisation with at least two services: one comes nested in it, changed; the other is not mentioned
        java.util.Map<String, java.util.List<JsonObject>> byOrg = new java.util.LinkedHashMap<>();
        for (Object o : export.getJsonArray("services")) {
            JsonObject sv = (JsonObject) o;
            byOrg.computeIfAbsent(sv.getString("organization_id"), k -> new java.util.ArrayList<>()).add(sv);
        }
        String orgId = byOrg.entrySet().stream().filter(e -> e.getValue().size() >= 2).findFirst().orElseThrow()
            .getKey();
        JsonObject org = export.getJsonArray("organizations").stream().map(o -> (JsonObject) o)
            .filter(o -> orgId.equals(o.getString("id"))).findFirst().orElseThrow().copy();
        JsonObject nested = byOrg.get(orgId).get(0).copy();
        nested.remove("organization_id"); // taken from the organisation it is nested in
        nested.put("name", nested.getString("name") + " (neu)");
        String untouched = byOrg.get(orgId).get(1).getString("id");
        String doc = new JsonObject().put("organizations", new io.vertx.core.json.JsonArray()
            .add(org.put("services", new io.vertx.core.json.JsonArray().add(nested)))).encode();

        HubClient.Response dry = hub.client().withToken(owner).post(ROOT + "/import?dry_run=true&mode=replace",
            "application/json", doc);
        HubClient.Response merged = hub.client().withToken(owner).post(ROOT + "/import", "application/json", doc);
        HubClient.Response bogus = hub.client().withToken(owner).post(ROOT + "/import?mode=everything",
            "application/json", doc);

        assertThat(dry.status()).as(dry.body()).isEqualTo(200);
        assertThat(dry.json().getJsonObject("would").getInteger("updated")).isEqualTo(1);
        assertThat(dry.json().getJsonArray("would_delete").getList()).contains(untouched);
        assertThat(merged.status()).as(merged.body()).isEqualTo(200);
        assertThat(merged.json().getJsonObject("services").encode())
            .isEqualTo("{\"created\":0,\"updated\":1,\"deleted\":0,\"unchanged\":0}");
        assertThat(merged.json().getJsonObject("organizations").encode())
            .isEqualTo("{\"created\":0,\"updated\":0,\"deleted\":0,\"unchanged\":1}");
        assertThat(get("/services/" + nested.getString("id")).json().getString("name")).endsWith(" (neu)");
        assertThat(get("/services/" + untouched).status()).as("a service the import did not mention").isEqualTo(200);
        assertThat(bogus.status()).isEqualTo(400);
        assertThat(bogus.json().getString("field")).isEqualTo("mode");
    }

    @Test
    void aBareServiceAndAListPageAreImportedAndALocationAloneIsRefusedSayingWhy() {
        JsonObject export = get("/export").json();
        JsonObject service = export.getJsonArray("services").getJsonObject(0).copy();
        String orgId = service.getString("organization_id");
        JsonObject org = export.getJsonArray("organizations").stream().map(o -> (JsonObject) o)
            .filter(o -> orgId.equals(o.getString("id"))).findFirst().orElseThrow();
        // as an HSDS API answers GET /services/{id}: the organisation nested as an object
        JsonObject bare = service.copy().put("organization", org.copy()).put("name", service.getString("name") + " *");
        JsonObject page = new JsonObject().put("total_items", 1).put("page_number", 1)
            .put("contents", new io.vertx.core.json.JsonArray().add(service.copy().put("name", "Seite")));
        JsonObject location = new JsonObject().put("id", CityTaxonomy.uuid("it-loc")).put("location_type", "physical")
            .put("name", "Rathaus").put("latitude", 53.8655).put("longitude", 10.6866);

        HubClient.Response one = hub.client().withToken(owner).post(ROOT + "/import", "application/json", bare.encode());
        HubClient.Response list = hub.client().withToken(owner).post(ROOT + "/import", "application/json",
            page.encode());
        HubClient.Response alone = hub.client().withToken(owner).post(ROOT + "/import", "application/json",
            location.encode());
        HubClient.Response empty = hub.client().withToken(owner).post(ROOT + "/import", "application/json",
            "{\"contents\":[]}");

        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(one.json().getInteger("updated")).isEqualTo(1);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(get("/services/" + service.getString("id")).json().getString("name")).isEqualTo("Seite");
        assertThat(alone.status()).isEqualTo(422);
        assertThat(alone.json().getString("error")).startsWith("this document is one object, a location: a location "
            + "is imported with the services at it");
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.json().getString("error")).isEqualTo("the list page's contents are empty: nothing to import");
    }

    @Test
    void aJsonImportWithProblemsReportsEachAndChangesNothing() {
        String doc = "{\"organizations\":[{\"id\":\"" + CityTaxonomy.uuid("it-org") + "\",\"name\":\"X\"}],"
            + "\"services\":[{\"id\":\"svc-1\",\"organization_id\":\"" + CityTaxonomy.uuid("it-org")
            + "\",\"name\":\"Y\",\"status\":\"active\"}]}";
        HubClient.Response r = hub.client().withToken(owner).post(ROOT + "/import", "application/json", doc);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getJsonArray("problems").encode()).isEqualTo("[{\"object\":\"organization\",\"id\":\""
            + CityTaxonomy.uuid("it-org") + "\",\"field\":\"description\",\"message\":\"is required (HSDS schema "
            + "organization.json)\"},{\"object\":\"service\",\"id\":\"svc-1\",\"field\":\"id\",\"message\":"
            + "\"must be a UUID; was 'svc-1' (HSDS schema service.json)\"}]");
        assertThat(get("/organizations/" + CityTaxonomy.uuid("it-org")).status()).isEqualTo(404);
    }

    @Test
    void theExportInBothFormsImportsBackWithoutAnyChangeOrEvent() throws Exception {
        HubClient.Response json = get("/export");
        assertThat(json.status()).isEqualTo(200);
        int services = json.json().getJsonArray("services").size();
        assertThat(services).isGreaterThanOrEqualTo(49);
        assertThat(json.json().getJsonArray("taxonomy_terms")).isNotEmpty();
        int eventsBefore = settledCount("social.service.*");

        HubClient.Response back = hub.client().withToken(owner).post(ROOT + "/import", "application/json", json.body());
        int objects = services + json.json().getJsonArray("organizations").size()
            + json.json().getJsonArray("taxonomies").size() + json.json().getJsonArray("taxonomy_terms").size();
        assertThat(back.json().getJsonObject("services").encode())
            .isEqualTo("{\"created\":0,\"updated\":0,\"deleted\":0,\"unchanged\":" + services + "}");
        assertThat(back.json().getInteger("unchanged")).as("every object of the export").isEqualTo(objects);

        HttpResponse<byte[]> zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(hub.client().baseUri() + ROOT + "/export.zip")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type")).hasValue("application/zip");
        assertThat(zip.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"hsds-directory.zip\"");
        HubClient.Response backFromZip = hub.client().withToken(owner).post(ROOT + "/import", "application/zip",
            zip.body());
        assertThat(backFromZip.json().getInteger("unchanged")).isEqualTo(objects);
        assertThat(backFromZip.json().getInteger("created") + backFromZip.json().getInteger("updated")
            + backFromZip.json().getInteger("deleted")).isZero();
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
            hub.events("social.service.*")).hasSize(eventsBefore));
        assertThat(get("/export?format=xml").status()).isEqualTo(400);
    }

    private static HttpResponse<String> put(String path, String token, String body) throws Exception {
        return HttpClient.newHttpClient().send(putRequest(path, token, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest putRequest(String path, String token, String body) {
        return HttpRequest.newBuilder(URI.create(hub.client().baseUri() + path))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static LocalDate nextWeekday() {
        LocalDate d = LocalDate.now().plusDays(1);
        while (d.getDayOfWeek().getValue() > 5) {
            d = d.plusDays(1);
        }
        return d;
    }

    private static LocalDate nextSunday() {
        return LocalDate.now().with(java.time.temporal.TemporalAdjusters.next(java.time.DayOfWeek.SUNDAY));
    }
}
