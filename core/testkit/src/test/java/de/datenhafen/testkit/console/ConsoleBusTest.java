package de.datenhafen.testkit.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.fixtures.SinkPlugin;
import de.datenhafen.testkit.Browser;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.NewBusEvent;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The bus in the console: the live tail (filters, pause, the whole event), and dead letters replayed until none. */
class ConsoleBusTest {

    private static final Path ARCHIVES = People.temp("bus");

    @RegisterExtension
    static final HubExtension hub = People.hub().plugin(() -> Fixtures.working(ARCHIVES))
        .plugin(() -> SinkPlugin.archive(ARCHIVES))
        .config(HubConfig.BUS_RETRY_ATTEMPTS, 2).config(HubConfig.BUS_RETRY_BACKOFF, "10ms").build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    @BeforeAll
    static void peopleAndAParkingIngest() {
        People.create(hub.client());
        ConsoleOverviewTest.create(hub.client(), "parking", "fixture-ingest", new JsonObject().put("path", "parking")
            .put("type", "city.parking"));
    }

    private static void openTail(String query) {
        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/bus" + query);
        browser.await(d -> !d.findElement(By.id("tail-state")).isDisplayed()); // the stream is open
    }

    private static long received() {
        return Long.parseLong(browser.driver().findElement(By.id("tail-received")).getText());
    }

    private static List<WebElement> shown() {
        return browser.driver().findElements(By.cssSelector("#tail-events button.event"));
    }

    private static void publish(String type, int n) {
        List<NewBusEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(NewBusEvent.json(type, "room-" + i, "{\"n\":" + i + "}"));
        }
        hub.publish("test", events);
    }

    @Test
    void anIntegrationsEventsArriveInTheLiveTailAndOpenWhole() {
        openTail("?type=city.*");

        HubClient.Response posted = hub.client().anonymous().post("/api/v1/plugins/fixture/parking",
            Map.of("Content-Type", "application/json"), "{\"free\":12}");
        assertThat(posted.status()).as(posted.body()).isEqualTo(202);
        publish("other.event", 1);

        WebElement event = browser.await(d -> shown().stream().findFirst().orElse(null));
        assertThat(event.getText()).contains("city.parking");
        // the event's own time as the page's other times: the browser's zone, the page's language (was UTC ISO)
        assertThat(event.getText()).as("with its time").containsPattern(
            " · \\d\\d\\.\\d\\d\\.\\d{4}, \\d\\d:\\d\\d:\\d\\d [A-Z][A-Za-z+0-9:]*$");
        event.click();
        WebElement json = browser.await(d -> d.findElement(By.id("detail-json")));
        assertThat(json.getText()).contains("\"type\": \"city.parking\"", "\"free\": 12");
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("detail-json");
        assertThat(shown()).extracting(WebElement::getText).noneMatch(t -> t.contains("other.event"));
        browser.assertAccessible();
    }

    @Test
    void pauseHoldsTheTailAndResumeGoesOnWhereItStopped() {
        openTail("?type=paused.*");
        publish("paused.event", 3);
        browser.await(d -> received() == 3);

        browser.driver().findElement(By.id("tail-toggle")).click();
        assertThat(browser.driver().findElement(By.id("tail-toggle")).getAttribute("aria-pressed")).isEqualTo("true");
        publish("paused.event", 2);
        assertThat(received()).isEqualTo(3);
        browser.driver().findElement(By.id("tail-toggle")).click();

        browser.await(d -> received() == 5);
        assertThat(shown()).hasSize(5);
        assertThat(browser.driver().findElement(By.id("tail-skipped")).getText()).isEqualTo("0");
    }

    @Test
    void aFailingSubscriptionsDeadLettersAreReplayedFromTheConsoleAndDrain() throws Exception {
        Path failing = Files.createFile(ARCHIVES.resolve("poisoned-fails"));
        HubClient.Response sink = hub.client().post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "poisoned-sink").put("connector", "fixture-sink").put("config", new JsonObject()
                .put("subscription", "poisoned").put("types", "poisoned.event").put("record-type", "rec.poisoned")
                .put("fail-containing", "poison").put("fail-while-file", failing.toString())));
        assertThat(sink.status()).as(sink.body()).isEqualTo(201);
        List<NewBusEvent> poison = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            poison.add(NewBusEvent.json("poisoned.event", "room-" + i, "{\"v\":\"poison\"}"));
        }
        hub.publish("test", poison);
        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters() == 3);

        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/dead-letters?subscription=poisoned");
        List<WebElement> items = browser.driver().findElements(By.cssSelector("li[data-dead-letter]"));
        assertThat(items).hasSize(3);
        assertThat(items.get(0).getText()).contains("poisoned", "poisoned.event", "it contains 'poison'");
        // its times in the page's language in the browser's zone, the server's UTC text as the title
        WebElement firstFailed = items.get(0).findElement(By.cssSelector("p.hint time"));
        assertThat(firstFailed.getAttribute("datetime")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(firstFailed.getAttribute("title")).endsWith(" UTC");
        assertThat(firstFailed.getText()).as("with its zone")
            .matches("\\d\\d\\.\\d\\d\\.\\d{4}, \\d\\d:\\d\\d:\\d\\d [A-Z][A-Za-z+0-9:]*");
        browser.assertAccessible();

        // replayed while the consumer still fails: the page says so and shows the letter with one attempt more
        String first = items.get(0).getAttribute("data-dead-letter");
        long attempts = attemptsOf(first);
        items.get(0).findElement(By.cssSelector("button.replay-one")).click();
        assertThat(People.said(browser)).isEqualTo("Zugestellt: 0 · erneut fehlgeschlagen: 1");
        assertThat(attemptsOf(first)).isEqualTo(attempts + 1);
        assertThat(browser.driver().findElement(By.cssSelector("li[data-dead-letter='" + first + "']")).getText())
            .contains((attempts + 1) + " Versuche");
        browser.assertAccessible();
        Files.delete(failing); // the consumer is fixed

        for (WebElement box : browser.driver().findElements(By.cssSelector("input.select"))) {
            box.click();
        }
        browser.driver().findElement(By.id("replay-selected")).click();

        browser.await(d -> d.findElement(By.id("no-dead-letters")));
        assertThat(browser.driver().findElement(By.id("console-status")).getText())
            .isEqualTo("Zugestellt: 3 · erneut fehlgeschlagen: 0");
        assertThat(deadLetters()).isZero();
        assertThat(hub.awaitEvents("rec.poisoned", 3)).hasSize(3);
        browser.open(hub.client().baseUri().resolve("/console/bus"));
        WebElement poisoned = browser.driver().findElement(By.cssSelector("tr[data-subscription='poisoned']"));
        List<WebElement> cells = poisoned.findElements(By.tagName("td")); // types, consumer, lag, rate, dead letters
        assertThat(cells.get(1).getText()).isEqualTo("poisoned-sink");
        assertThat(cells.get(4).getText()).as("dead letters").isEqualTo("0");
        browser.assertAccessible();
    }

    @Test
    void aSubscriptionSeekedToAnEarlierTimeDeliversItsEventsAgain() {
        HubClient.Response sink = hub.client().post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "rewind-sink").put("connector", "fixture-sink").put("config", new JsonObject()
                .put("subscription", "rewind").put("types", "rewind.event").put("record-type", "rec.rewind")));
        assertThat(sink.status()).as(sink.body()).isEqualTo(201);
        publish("rewind.event", 3);
        assertThat(hub.awaitEvents("rec.rewind", 3)).hasSize(3);

        People.signIn(browser.size(360, 800), hub.client(), People.ADMIN, People.ADMIN_PASSWORD, "/console/bus");
        // the seek form's hidden label sat outside its table's scrolling region: the page scrolled sideways
        assertThat(((Number) browser.script("return document.documentElement.scrollWidth")).intValue())
            .as("no sideways scrolling on a phone").isLessThanOrEqualTo(360);
        browser.size(1280, 900);
        browser.assertAccessible(); // before the seek: the page reloads itself after it
        WebElement row = browser.driver().findElement(By.cssSelector("tr[data-subscription='rewind']"));
        WebElement time = row.findElement(By.cssSelector("form.seek input[name='time']"));
        assertThat(browser.driver().findElement(By.cssSelector("label[for='" + time.getAttribute("id") + "']"))
            .getAttribute("textContent")).contains("rewind");
        ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("arguments[0].value = "
            + "arguments[1]", time, "2020-01-01T00:00:00");
        row.findElement(By.cssSelector("form.seek button")).click();

        assertThat(People.said(browser)).contains("Zustellung");
        assertThat(hub.awaitEvents("rec.rewind", 6)).hasSize(6);
    }

    /**
     * A subscription nothing reads (an integration that was deleted leaves its own, so a new one of the name goes on
     * from its cursor) can be deleted in the console, after a confirmation; one that is read has no such button.
     */
    @Test
    void aSubscriptionNothingReadsIsDeletedFromTheConsole() {
        HubClient.Response left = hub.client().post("/api/v1/admin/subscriptions", new JsonObject()
            .put("name", "left-behind").put("types", new io.vertx.core.json.JsonArray().add("left.event")));
        assertThat(left.status()).as(left.body()).isEqualTo(201);
        HubClient.Response read = hub.client().post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "read-sink").put("connector", "fixture-sink").put("config", new JsonObject()
                .put("subscription", "read-here").put("types", "read.event").put("record-type", "rec.read")));
        assertThat(read.status()).as(read.body()).isEqualTo(201);

        People.signIn(browser.size(1280, 900), hub.client(), People.ADMIN, People.ADMIN_PASSWORD, "/console/bus");
        assertThat(browser.driver().findElement(By.cssSelector("tr[data-subscription='read-here']")).getText())
            .contains("read-sink");
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-subscription='read-here'] button.danger")))
            .as("read by an integration").isEmpty();
        WebElement delete = browser.driver().findElement(By.cssSelector(
            "tr[data-subscription='left-behind'] button.danger"));
        assertThat(delete.getText()).isEqualTo("Löschen");
        browser.assertAccessible();
        delete.click();
        assertThat(browser.driver().switchTo().alert().getText()).contains("left-behind");
        browser.driver().switchTo().alert().accept();

        browser.await(d -> d.findElements(By.cssSelector("tr[data-subscription='left-behind']")).isEmpty());
        assertThat(hub.client().get("/api/v1/admin/subscriptions/left-behind").status()).isEqualTo(404);
    }

    @Test
    void deadLettersAreFilteredByTheirErrorText() {
        for (String[] sink : new String[][] {{"rotten", "alpha"}, {"stale", "beta"}}) {
            HubClient.Response r = hub.client().post("/api/v1/admin/integrations", new JsonObject()
                .put("name", sink[1] + "-sink").put("connector", "fixture-sink").put("config", new JsonObject()
                    .put("subscription", sink[1]).put("types", sink[1] + ".event").put("record-type", "rec." + sink[1])
                    .put("fail-containing", sink[0])));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        hub.publish("test", List.of(NewBusEvent.json("alpha.event", "a-1", "{\"v\":\"rotten\"}"),
            NewBusEvent.json("beta.event", "b-1", "{\"v\":\"stale\"}"),
            NewBusEvent.json("beta.event", "b-2", "{\"v\":\"stale\"}")));
        await().atMost(Duration.ofSeconds(15)).until(() -> hub.client()
            .get("/api/v1/admin/dead-letters?errorContains=stale").json().getJsonArray("deadLetters").size() == 2
            && hub.client().get("/api/v1/admin/dead-letters?errorContains=rotten").json()
                .getJsonArray("deadLetters").size() == 1);
        HubClient.Response wrong = hub.client().get("/api/v1/admin/dead-letters?failedAfter=yesterday");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().getString("field")).isEqualTo("failedAfter");

        People.signIn(browser.size(360, 800), hub.client(), People.ADMIN, People.ADMIN_PASSWORD,
            "/console/dead-letters");
        browser.driver().findElement(By.id("errorContains")).sendKeys("stale");
        browser.driver().findElement(By.cssSelector("form.filters button[type='submit']")).click();

        browser.await(d -> d.getCurrentUrl().contains("errorContains=stale"));
        List<WebElement> items = browser.driver().findElements(By.cssSelector("li[data-dead-letter]"));
        assertThat(items).hasSize(2).allSatisfy(item -> assertThat(item.getText()).contains("beta.event")
            .doesNotContain("alpha.event"));
        assertThat(browser.driver().findElement(By.id("errorContains")).getAttribute("value")).isEqualTo("stale");
        browser.assertAccessible();
    }

    private static long attemptsOf(String id) {
        return hub.client().get("/api/v1/admin/dead-letters?subscription=poisoned").json().getJsonArray("deadLetters")
            .stream().map(JsonObject.class::cast).filter(d -> String.valueOf(d.getLong("id")).equals(id))
            .findFirst().orElseThrow().getLong("attempts");
    }

    private static int deadLetters() {
        return hub.client().get("/api/v1/admin/dead-letters?subscription=poisoned").json()
            .getJsonArray("deadLetters").size();
    }
}
