package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The city's page at / with a section from a plugin the hub knows nothing about (the notice board fixture): the
 * section shows in the navigation and on the home page while its integration runs, its pages are in the shell with
 * their validators, its style sheet is served versioned, sections find each other's things "near" a place, and ids
 * that clash or are the hub's are refused.
 */
class CityPageTest {

    private static final Path ARCHIVES = TestDirs.create("city-page");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.INTEGRATION_RETRIES, 0)
        .plugin(() -> Fixtures.noticeBoard(ARCHIVES))
        .build();

    @AfterEach
    void deleteIntegrations(HubClient client) {
        for (String name : new String[] {"board", "board-b", "clash", "reserved"}) {
            client.delete("/api/v1/admin/integrations/" + name);
        }
    }

    @Test
    void theHomePageSaysSoWhenNoSectionRuns(HubClient client) {
        HubClient.Response home = client.anonymous().get("/");

        assertThat(home.status()).isEqualTo(200);
        assertThat(home.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(home.body()).contains("<html lang=\"de\">").contains("Gerade zeigt kein Bereich Daten.");
        assertThat(home.header("Content-Security-Policy")).startsWith("default-src 'self'");
    }

    @Test
    void aNewPluginsSectionShowsInTheNavigationAndOnTheHomePageWithItsCard(HubClient client) {
        create(client, "board", "notices");

        String home = client.anonymous().get("/").body();

        assertThat(home).contains("<a href=\"/notices\">Aushänge notices</a>") // navigation and card
            .contains("<p>2 Aushänge</p>");
        assertThat(client.anonymous().get("/", Map.of("Accept-Language", "en")).body())
            .contains("<html lang=\"en\">").contains("Notices notices").contains("<p>2 notices</p>");
    }

    @Test
    void aSectionsPagesAreInTheShellWithTextEscapedAndUnknownOnesAre404(HubClient client) {
        create(client, "board", "notices");

        HubClient.Response list = client.anonymous().get("/notices");
        HubClient.Response notice = client.anonymous().get("/notices/n/1");
        HubClient.Response missing = client.anonymous().get("/notices/n/9");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("<title>Aushänge notices – Datenhafen – Unsere Stadt</title>")
            .contains("<a href=\"/notices\" aria-current=\"page\">Aushänge notices</a>")
            .contains("<a href=\"/notices/n/2\">Sommerfest</a>")
            .contains("<ul id=\"board\" data-refresh=\"30\">");
        assertThat(notice.body()).contains("&lt;script&gt;alert(&#39;Sperrmüll&#39;)&lt;/script&gt;".replace("&#39;",
            "'")).doesNotContain("<script>alert");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).contains("<h1>Seite nicht gefunden</h1>").contains("Aushänge notices");
        assertThat(client.anonymous().get("/nothing-here").status()).isEqualTo(404);
    }

    @Test
    void malformedHugeOrForgedRequestsGetAClearAnswerAndNothingOfThemInThePage(HubClient client) {
        create(client, "board", "notices");

        int port = hub.port();
        RawHttp.Answer badPath = get(port, "/notices/n/%zz", "de");
        RawHttp.Answer badQuery = get(port, "/notices?q=100%", "de");
        RawHttp.Answer huge = get(port, "/notices?q=" + "x".repeat(20_000), "de");
        RawHttp.Answer forged = RawHttp.send(port, "", "GET /notices HTTP/1.1", "Host: evil.example",
            "X-Forwarded-Host: evil.example", "Accept-Language: <script>x</script>", "Connection: close");

        // a malformed %-escape in the path is refused by the router before any route (as on every hub path)
        assertThat(badPath.status()).as(badPath.toString()).isEqualTo(400);
        assertThat(badPath.body()).doesNotContain("Exception").doesNotContain("%zz");
        assertThat(badQuery.status()).as(badQuery.toString()).isEqualTo(400);
        assertThat(badQuery.header("Content-Type")).as(badQuery.toString()).startsWith("text/html");
        assertThat(badQuery.body()).contains("Aushänge notices").doesNotContain("Exception");
        assertThat(huge.status()).as("a request line past the server's limit").isIn(400, 414, 431);
        assertThat(huge.body()).doesNotContain("x".repeat(100));
        assertThat(forged.status()).as(forged.toString()).isEqualTo(200);
        assertThat(forged.body()).doesNotContain("evil.example").doesNotContain("<script>x")
            .contains("<html lang=\"de\">");
    }

    private static RawHttp.Answer get(int port, String target, String language) {
        return RawHttp.send(port, "", "GET " + target + " HTTP/1.1", "Host: localhost", "Accept-Language: "
            + language, "Connection: close");
    }

    @Test
    void otherMethodsOnASectionOrAnUnknownPathAreNotTakenByThePage(HubClient client) {
        create(client, "board", "notices");

        assertThat(client.anonymous().post("/notices", "text/plain", "x").status()).isEqualTo(404);
        assertThat(client.anonymous().post("/api/v1/plugins/notice-board/nothing", "text/plain", "x").status())
            .isEqualTo(404);
        // the plugin route behind the page's route sees no path parameter the page's route made
        assertThat(client.anonymous().get("/api/v1/plugins/notice-board/notices/board/x").body())
            .isEqualTo("{\"notices\":2,\"headers\":\"\"}");
    }

    @Test
    void aSectionPageCarriesItsValidatorsAndAnswers304WhenUnchanged(HubClient client) {
        create(client, "board", "notices");

        HubClient.Response first = client.anonymous().get("/notices");
        HubClient.Response again = client.anonymous().get("/notices", Map.of("If-None-Match", first.header("ETag")));
        HubClient.Response english = client.anonymous().get("/notices", Map.of("Accept-Language", "en"));

        assertThat(first.header("ETag")).isEqualTo("W/\"notices-board-v1-de\"");
        assertThat(first.header("Last-Modified")).isEqualTo("Mon, 30 Nov 2026 08:00:00 GMT");
        assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(first.header("Vary")).isEqualTo("Cookie, Accept-Language");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(english.header("ETag")).isEqualTo("W/\"notices-board-v1-en\"");
        HubClient.Response home = client.anonymous().get("/");
        assertThat(client.anonymous().get("/", Map.of("If-None-Match", home.header("ETag"))).status()).isEqualTo(304);
    }

    @Test
    void servesTheSectionsOwnStyleSheetUnderAVersionedUrlForAYear(HubClient client) {
        create(client, "board", "notices");
        Matcher css = Pattern.compile("href=\"(/city-assets/notices/[0-9a-f]{12}/notices\\.css)\"")
            .matcher(client.anonymous().get("/notices").body());
        assertThat(css.find()).isTrue();

        HubClient.Response sheet = client.anonymous().get(css.group(1));

        assertThat(sheet.status()).isEqualTo(200);
        assertThat(sheet.body()).isEqualTo("#board { font-weight: 700; }\n");
        assertThat(sheet.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(sheet.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(client.anonymous().get("/city-assets/notices/x/../../notices.css").status()).isEqualTo(404);
        assertThat(client.anonymous().get("/city-assets/other/abc/notices.css").status()).isEqualTo(404);
    }

    @Test
    void aSectionShowsWhatTheOthersHaveNearAPlaceWithoutKnowingThem(HubClient client) {
        create(client, "board", "notices");
        create(client, "board-b", "aushang");

        String near = client.anonymous().get("/aushang/near").body();

        assertThat(near).contains("<h2>Aushänge notices</h2>")
            .contains("<a href=\"/notices/n/1\">Brett am Rathaus</a> (120 m)")
            .doesNotContain("/aushang/n/1"); // not its own
    }

    @Test
    void theSectionIsGoneWhileItsIntegrationIsPausedAndBackOnResume(HubClient client) {
        create(client, "board", "notices");

        assertThat(client.post("/api/v1/admin/integrations/board/pause").status()).isEqualTo(200);
        assertThat(client.anonymous().get("/notices").status()).isEqualTo(404);
        assertThat(client.anonymous().get("/").body()).doesNotContain("/notices");

        assertThat(client.post("/api/v1/admin/integrations/board/resume").status()).isEqualTo(200);
        assertThat(client.anonymous().get("/notices").status()).isEqualTo(200);
    }

    @Test
    void aSecondSectionWithTheSameIdFailsItsIntegrationNamingTheFirst(HubClient client) {
        create(client, "board", "notices");

        post(client, "clash", "notices");

        assertThat(failed(client, "clash")).endsWith("public section /notices is already shown by integration board");
        assertThat(client.anonymous().get("/notices").status()).isEqualTo(200);
    }

    @Test
    void aSectionCannotTakeOneOfTheHubsOwnPaths(HubClient client) {
        post(client, "reserved", "console");

        assertThat(failed(client, "reserved")).contains("public section id 'console' is refused: /console is the "
            + "hub's own");
    }

    private static void create(HubClient client, String name, String section) {
        HubClient.Response r = post(client, name, section);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getString("state")).as(r.toString()).isEqualTo("running");
    }

    private static HubClient.Response post(HubClient client, String name, String section) {
        return client.post("/api/v1/admin/integrations", new JsonObject().put("name", name)
            .put("connector", "notice-board").put("config", new JsonObject().put("section", section)));
    }

    private static String failed(HubClient client, String name) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
            client.get("/api/v1/admin/integrations/" + name).json().getString("state")).isEqualTo("failed"));
        return client.get("/api/v1/admin/integrations/" + name).json().getJsonObject("lastError").getString("message");
    }
}
