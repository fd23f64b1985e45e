package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * What a probe of the packaged hub found, seen as a user sees it: an organisation whose {@code website} was
 * {@code javascript:alert(8)} was imported (and its services could be created), and then its services' pages on the
 * city's page answered 500, logging an ERROR with a stack trace on every view; the import answered
 * {@code "created":0} for the organisation it created. Now every URL field is an absolute http(s) URL or the import or
 * edit is refused naming the field; an address stored before is shown as text; the answer counts every kind.
 *
 * <p>A hub of its own, without the demo directory: one test restarts it to plant data as it was stored before the rule.
 */
class WebAddressesAndCountsIT {

    private static final String ROOT = "/api/v1/plugins/social-services";
    private static final String JS = "javascript:alert(8)";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest().build();

    /** A token of the directory's staff (member-editor of the owning member). */
    static String staff;

    @BeforeAll
    static void createTheDirectory() {
        HubClient admin = hub.client();
        HubClient.Response member = admin.post("/api/v1/admin/members", new JsonObject().put("id", "social-smart-city")
            .put("name", "Social Smart City working group"));
        assertThat(member.status()).as(member.body()).isEqualTo(201);
        HubClient.Response token = admin.post("/api/v1/admin/members/social-smart-city/tokens", new JsonObject()
            .put("name", "directory-staff").put("roles", new JsonArray().add("member-editor")));
        assertThat(token.status()).as(token.body()).isEqualTo(201);
        staff = token.json().getString("token");
        HubClient.Response created = admin.post("/api/v1/admin/integrations", new JsonObject().put("name", "directory")
            .put("connector", "hsds-directory").put("config", new JsonObject()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get("/").status()).isEqualTo(200));
    }

    private static HubClient.Response get(String path) {
        return hub.client().anonymous().get(ROOT + path);
    }

    private static HubClient.Response importJson(String query, JsonObject doc) {
        return hub.client().withToken(staff).post(ROOT + "/import" + query, "application/json", doc.encode());
    }

    private static String id(String name) {
        return CityTaxonomy.uuid("it-web:" + name);
    }

    private static JsonObject organization(String id, String website) {
        return new JsonObject().put("id", id).put("name", "Beratungsverein " + id.substring(0, 4))
            .put("description", "Gemeinnütziger Träger / non-profit provider").put("website", website);
    }

    /** A service of {@code org} offered online: a virtual location with {@code chat} as its url. */
    private static JsonObject service(String id, String org, String chat) {
        return new JsonObject().put("id", id).put("organization_id", org).put("name", "Onlineberatung")
            .put("status", "active").put("service_at_locations", new JsonArray().add(new JsonObject()
                .put("id", CityTaxonomy.uuid(id + ":sal")).put("location", new JsonObject()
                    .put("id", CityTaxonomy.uuid(id + ":loc")).put("location_type", "virtual").put("name", "Chat")
                    .put("url", chat))));
    }

    private static JsonObject documentSet(JsonObject organization, JsonObject service) {
        return new JsonObject().put("organizations", new JsonArray().add(organization))
            .put("services", new JsonArray().add(service));
    }

    private static JsonObject counts(int created, int updated, int deleted, int unchanged) {
        return new JsonObject().put("created", created).put("updated", updated).put("deleted", deleted)
            .put("unchanged", unchanged);
    }

    // ------------------------------------------------------------------------------------------------ at the door

    @Test
    void aJsonImportOfAnOrganisationWithAJavascriptWebsiteIsRefusedNamingTheFieldAndStoresNothing() {
        String org = id("json-org");
        String svc = id("json-svc");
        JsonObject doc = documentSet(organization(org, JS), service(svc, org, "https://chat.kleinhafen.example"));

        HubClient.Response dry = importJson("?dry_run=true", doc);
        HubClient.Response r = importJson("", doc);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("website");
        assertThat(r.json().getString("error")).isEqualTo("organization " + org + ": website must be an absolute http "
            + "or https URL, or a URN; was 'javascript:alert(8)' (HSDS schema organization.json)");
        assertThat(r.json().getJsonArray("problems")).containsExactly(new JsonObject().put("object", "organization")
            .put("id", org).put("field", "website").put("message",
                "must be an absolute http or https URL, or a URN; was 'javascript:alert(8)' (HSDS schema "
                + "organization.json)"));
        assertThat(dry.status()).isEqualTo(400);
        assertThat(dry.json().getString("field")).isEqualTo("website");
        assertThat(get("/organizations/" + org).status()).isEqualTo(404);
        assertThat(get("/services/" + svc).status()).isEqualTo(404);
    }

    @Test
    void aTabularImportWithAJavascriptWebsiteIsRefusedNamingFileLineAndField() {
        String org = id("csv-org");
        ObjectNode organization = Json.object().put("id", org).put("name", "Tabellenverein")
            .put("description", "Gemeinnütziger Träger").put("website", JS);
        ObjectNode service = Json.object().put("id", id("csv-svc")).put("organization_id", org)
            .put("name", "Beratung").put("status", "active");
        byte[] zip = TabularWriter.zip(TabularWriter.write(new DataSet(List.of(organization), List.of(service),
            List.of(), List.of())));

        HubClient.Response r = hub.client().withToken(staff).post(ROOT + "/import", "application/zip", zip);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("website");
        assertThat(r.json().getJsonArray("problems")).containsExactly(new JsonObject().put("object", "organization")
            .put("id", org).put("field", "website").put("message", "must be an absolute http or https URL, or a URN; was "
                + "'javascript:alert(8)' (HSDS schema organization.json)").put("source", "organizations.csv line 2"));
        assertThat(get("/organizations/" + org).status()).isEqualTo(404);
        assertThat(get("/services/" + id("csv-svc")).status()).isEqualTo(404);
    }

    @Test
    void aServiceEditWithAJavascriptUrlIsRefusedNamingItsPathAndChangesNothing() {
        String org = id("edit-org");
        String svc = id("edit-svc");
        assertThat(importJson("", new JsonObject().put("organizations", new JsonArray()
            .add(organization(org, "https://verein.kleinhafen.example")))).status()).isEqualTo(200);

        HubClient.Response created = hub.client().withToken(staff).post(ROOT + "/services", "application/json",
            service(svc, org, JS).encode());
        HubClient.Response replaced = hub.client().withToken(staff).put(ROOT + "/services/" + svc,
            "application/json", service(svc, org, "https://chat.kleinhafen.example").put("url", "data:text/html,x")
                .encode());

        assertThat(created.status()).as(created.body()).isEqualTo(400);
        assertThat(created.json().getString("field")).isEqualTo("service_at_locations[0].location.url");
        assertThat(created.json().getString("error")).isEqualTo("service " + svc + ": service_at_locations[0]"
            + ".location.url must be an absolute http or https URL, or a URN; was 'javascript:alert(8)' (HSDS schema "
            + "location.json)");
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(400);
        assertThat(replaced.json().getString("field")).isEqualTo("url");
        assertThat(get("/services/" + svc).status()).isEqualTo(404);
    }

    @Test
    void anOrganisationNestedInAnUnchangedServiceIsCheckedAsWellAndStaysAsItWas() {
        String org = id("nested-org");
        String svc = id("nested-svc");
        String good = "https://verein.kleinhafen.example";
        JsonObject service = service(svc, org, "https://chat.kleinhafen.example");
        assertThat(importJson("", documentSet(organization(org, good), service)).status()).isEqualTo(200);

        // the service as the HSDS API answers it, unchanged but for its organisation (an unchanged service is not
        // checked against the schemas again; the organisation nested in it is stored all the same)
        HubClient.Response r = importJson("", service.copy().put("organization", organization(org, JS)));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getJsonArray("problems")).containsExactly(new JsonObject().put("object", "service")
            .put("id", svc).put("field", "organization.website").put("message", "must be an absolute http or https "
                + "URL, or a URN; was 'javascript:alert(8)' (HSDS schema organization.json)"));
        assertThat(get("/organizations/" + org).json().getString("website")).isEqualTo(good);
    }

    // ------------------------------------------------------------------------------------- data stored before

    /**
     * Plants {@code bad} in place of {@code good} in the stored documents of the organisation and the service, as an
     * import before the rule stored them, while the hub is stopped; the directory reads them when it starts again.
     */
    private static void storedBeforeTheRule(String org, String svc, String good, String bad) {
        hub.restart(home -> {
            Path data = home.resolve("data").toAbsolutePath();
            // the password the hub made for its embedded database at its first start (DatabaseLogin)
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("datenhafen"), "sa",
                    Files.readString(data.resolve("db.key")).trim())) {
                for (String[] row : new String[][] {{"ORGANIZATION", org}, {"SERVICE", svc}}) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE PLUGIN_SOCIAL_SERVICES." + row[0]
                            + " SET doc = REPLACE(doc, ?, ?) WHERE id = ?")) {
                        ps.setString(1, good);
                        ps.setString(2, bad);
                        ps.setString(3, row[1]);
                        assertThat(ps.executeUpdate()).as(row[0]).isEqualTo(1);
                    }
                }
            } catch (SQLException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aJavascriptAddressStoredBeforeTheRuleIsShownAsTextAndTheServicesPageAnswers200WithoutAnError() {
        String org = id("old-org");
        String svc = id("old-svc");
        String good = "https://old.kleinhafen.example";
        HubClient.Response imported = importJson("", documentSet(organization(org, good), service(svc, org, good)));
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(hub.client().anonymous().get("/beratung/angebot/" + svc).body())
            .contains("<a href=\"" + good + "\">" + good + "</a>");
        storedBeforeTheRule(org, svc, good, JS);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(
            get("/services/" + svc).json().getJsonObject("organization").getString("website")).isEqualTo(JS));

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger cityPage = (Logger) LoggerFactory.getLogger("de.datenhafen.core.city.CityPage");
        log.start();
        cityPage.addAppender(log);
        HubClient.Response page;
        try {
            // the section is registered when the integration has started again: until then the hub's 404
            page = await().atMost(Duration.ofSeconds(20)).until(() -> hub.client().anonymous()
                .get("/beratung/angebot/" + svc), r -> r.status() != 404);
        } finally {
            cityPage.detachAppender(log);
        }

        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("<li>Website: " + JS + "</li>", "<p>Chat " + JS + "</p>")
            .doesNotContain("href=\"" + JS);
        assertThat(log.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ the counts

    @Test
    void theImportAnswerCountsTheOrganisationsItCreatesAndUpdatesBesideTheServices() {
        String org = id("count-org");
        String svc = id("count-svc");
        JsonObject alone = new JsonObject().put("organizations", new JsonArray()
            .add(organization(org, "https://verein.kleinhafen.example")));
        JsonObject none = counts(0, 0, 0, 0);

        HubClient.Response created = importJson("", alone);
        HubClient.Response again = importJson("", alone);
        JsonObject changed = documentSet(organization(org, "https://neu.kleinhafen.example"),
            service(svc, org, "https://chat.kleinhafen.example"));
        HubClient.Response dry = importJson("?dry_run=true", changed);
        HubClient.Response both = importJson("", changed);

        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json()).isEqualTo(counts(1, 0, 0, 0).put("services", none)
            .put("organizations", counts(1, 0, 0, 0)).put("taxonomies", none).put("taxonomy_terms", none));
        assertThat(again.json()).isEqualTo(counts(0, 0, 0, 1).put("services", none)
            .put("organizations", counts(0, 0, 0, 1)).put("taxonomies", none).put("taxonomy_terms", none));
        assertThat(dry.json().getJsonObject("would")).isEqualTo(counts(1, 1, 0, 0).put("services", counts(1, 0, 0, 0))
            .put("organizations", counts(0, 1, 0, 0)).put("taxonomies", none).put("taxonomy_terms", none));
        assertThat(both.json()).isEqualTo(dry.json().getJsonObject("would"));
        assertThat(get("/organizations/" + org).json().getString("website"))
            .isEqualTo("https://neu.kleinhafen.example");
    }
}
