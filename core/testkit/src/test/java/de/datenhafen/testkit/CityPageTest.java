package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        .config(HubConfig.CITY_RENDER_TIMEOUT, "1s")
        .config(HubConfig.CITY_SECTION_RENDERS, 2)
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

        // a malformed %-escape in the path is refused by the router before any route (as on every hub path): JSON
        // naming the path, and for a browser the city's page saying so
        RawHttp.Answer badPathBrowser = RawHttp.send(port, "", "GET /notices/n/%zz HTTP/1.1", "Host: localhost",
            "Accept: text/html,application/xhtml+xml", "Accept-Language: en", "Connection: close");
        RawHttp.Answer badApiPath = RawHttp.send(port, "", "GET /api/v1/admin/plugins/%zz HTTP/1.1",
            "Host: localhost", "Accept: text/html", "Connection: close");
        assertThat(badPath.status()).as(badPath.toString()).isEqualTo(400);
        assertThat(new JsonObject(badPath.body())).isEqualTo(new JsonObject().put("error", "the request's path could "
            + "not be read: each % must be followed by two hex digits").put("field", "path"));
        assertThat(badPathBrowser.status()).as(badPathBrowser.toString()).isEqualTo(400);
        assertThat(badPathBrowser.header("Content-Type")).startsWith("text/html");
        assertThat(badPathBrowser.body()).contains("<html lang=\"en\">").contains("<h1>Request not understood</h1>")
            .contains("Notices notices").doesNotContain("%zz");
        assertThat(badApiPath.status()).isEqualTo(400);
        assertThat(badApiPath.header("Content-Type")).as("the API's own paths answer JSON").isEqualTo(
            "application/json");
        assertThat(badQuery.status()).as(badQuery.toString()).isEqualTo(400);
        assertThat(badQuery.header("Content-Type")).as(badQuery.toString()).startsWith("text/html");
        assertThat(badQuery.body()).contains("Aushänge notices").doesNotContain("Exception");
        assertThat(huge.status()).as("a request line past the server's limit").isIn(400, 414, 431);
        assertThat(huge.body()).doesNotContain("x".repeat(100));
        assertThat(forged.status()).as(forged.toString()).isEqualTo(200);
        assertThat(forged.body()).doesNotContain("evil.example").doesNotContain("<script>x")
            .contains("<html lang=\"de\">");
    }

    @Test
    void aBrowserAskingForAPageTheHubHasNotGetsTheCitysNotFoundPage(HubClient client) {
        create(client, "board", "notices");
        Map<String, String> browser = Map.of("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");

        HubClient.Response page = client.anonymous().get("/no-such-page", browser);
        HubClient.Response api = client.anonymous().get("/api/v1/no-such-thing", browser);
        HubClient.Response script = client.anonymous().get("/no-such-page");

        assertThat(page.status()).isEqualTo(404);
        assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.body()).contains("<h1>Seite nicht gefunden</h1>").contains("<a href=\"/notices\">");
        assertThat(api.status()).isEqualTo(404);
        assertThat(api.header("Content-Type")).isEqualTo("application/json");
        assertThat(script.header("Content-Type")).as("no browser: the hub's JSON").isEqualTo("application/json");
    }

    @Test
    void headIsAnsweredWhereverGetIsWithItsStatusAndHeadersAndNoBody(HubClient client) {
        create(client, "board", "notices");
        HubClient anonymous = client.anonymous();

        for (String path : List.of("/health/live", "/api/v1/openapi.json", "/console/sign-in",
            "/api/v1/plugins/notice-board/notices/board", "/api/v1/admin/plugins", "/no/such/page")) {
            HubClient.Response get = anonymous.get(path);
            HubClient.Response head = anonymous.send("HEAD", path, Map.of(), null);

            assertThat(head.status()).as(path).isEqualTo(get.status());
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.header("Content-Type")).as(path).isEqualTo(get.header("Content-Type"));
        }
        assertThat(anonymous.send("HEAD", "/health/live", Map.of(), null).status()).isEqualTo(200);
        assertThat(anonymous.send("HEAD", "/api/v1/plugins/notice-board/notices/board", Map.of(), null).status())
            .isEqualTo(200);
        // a path with no GET has no HEAD either
        assertThat(anonymous.send("HEAD", "/api/v1/auth/login", Map.of(), null).status())
            .isEqualTo(anonymous.get("/api/v1/auth/login").status()).isEqualTo(405);
    }

    @Test
    void headAnswersAPagesHeadersWithoutItsBody(HubClient client) {
        create(client, "board", "notices");

        HubClient.Response home = client.anonymous().send("HEAD", "/", Map.of(), null);
        HubClient.Response list = client.anonymous().send("HEAD", "/notices", Map.of(), null);
        HubClient.Response missing = client.anonymous().send("HEAD", "/notices/n/9", Map.of(), null);

        assertThat(home.status()).isEqualTo(200);
        assertThat(home.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(home.body()).isEmpty();
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.header("ETag")).isEqualTo(client.anonymous().get("/notices").header("ETag"));
        assertThat(list.body()).isEmpty();
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void aHangingSectionHoldsAtMostItsShareOfWorkersAndItsReadersGet503InTime(HubClient client) throws Exception {
        create(client, "board", "notices");
        create(client, "board-b", "notices-b");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            // two renderings that hang for 6 s take the section's two slots (city.section-renders 2); each is answered
            // 503 at the render time-out (1 s here), not when the section ends, and keeps its slot meanwhile. Their
            // own answers say both have started: a probe of the section sent before then (their threads may start
            // late on a loaded machine) could take a slot itself and leave one of them busy instead of slow.
            var first = pool.submit(() -> client.anonymous().get("/notices/slow/6000/a"));
            var second = pool.submit(() -> client.anonymous().get("/notices/slow/6000/b"));
            for (var hanging : List.of(first, second)) {
                HubClient.Response slow = hanging.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(slow.status()).isEqualTo(503);
                assertThat(slow.body()).contains("braucht gerade zu lange");
            }
            // ... so a third page of that section is 503 at once, with a page saying to try again
            long t0 = System.nanoTime();
            HubClient.Response busy = client.anonymous().get("/notices/n/1");
            assertThat(busy.status()).isEqualTo(503);
            assertThat(busy.header("Retry-After")).isEqualTo("5");
            assertThat(busy.body()).contains("<h1>Gerade nicht erreichbar</h1>").contains("stark gefragt");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
            // the other section and the home page are served meanwhile
            assertThat(client.anonymous().get("/notices-b/n/1").status()).isEqualTo(200);
            assertThat(client.anonymous().get("/").status()).isEqualTo(200);
            // once the section's code has ended, its pages are served again
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                client.anonymous().get("/notices/n/1").status()).isEqualTo(200));
        } finally {
            pool.shutdownNow();
        }
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
