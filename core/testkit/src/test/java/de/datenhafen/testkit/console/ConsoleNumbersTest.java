package de.datenhafen.testkit.console;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.fixtures.Fixtures;
import de.datenhafen.testkit.Browser;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.NewBusEvent;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The console's numbers, measured in the browser and written to {@code target/console-numbers.txt}:
 * <ul>
 * <li>the overview's first view in a fresh profile: bytes transferred (navigation and every resource, compressed as
 * sent) and the time until it shows data (the data is in the HTML: first contentful paint, DOM content loaded);</li>
 * <li>the live tail under 2,000 events/s: what it received and skipped, and the page's JS heap and DOM node count
 * (Chrome's own figures through CDP) sampled while it runs.</li>
 * </ul>
 * The build runs the tail for 20 s; {@code -Dconsole.tail.seconds=300} runs it for five minutes (see the README).
 */
class ConsoleNumbersTest {

    private static final Path ARCHIVES = People.temp("numbers");
    private static final int RATE = 2_000;
    private static final int SECONDS = Integer.getInteger("console.tail.seconds", 20);

    @RegisterExtension
    static final HubExtension hub = People.hub().plugin(() -> Fixtures.working(ARCHIVES)).build();

    @RegisterExtension
    static final Browser browser = Browser.chromium();

    @BeforeAll
    static void aHubWithSomethingToShow() {
        People.create(hub.client());
        ConsoleOverviewTest.create(hub.client(), "parking", "fixture-ingest", new JsonObject().put("path", "parking"));
        ConsoleOverviewTest.create(hub.client(), "gateway", "fixture-failing", new JsonObject());
    }

    /** Signs in without loading a console page, so the next page is the first view with an empty cache. */
    private static void signedInWithoutAPage() {
        String cookie = People.sessionCookie(hub.client(), People.ADMIN, People.ADMIN_PASSWORD);
        browser.open(hub.client().baseUri().resolve("/health/live"));
        browser.driver().manage().addCookie(new Cookie("dh_session", cookie.substring(cookie.indexOf('=') + 1)));
    }

    @Test
    void theOverviewsFirstView() throws IOException {
        browser.size(1280, 900);
        signedInWithoutAPage();

        browser.open(hub.client().baseUri().resolve("/console/"));
        browser.await(d -> d.findElement(By.id("card-integrations")));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) browser.script("""
            const nav = performance.getEntriesByType('navigation')[0];
            const resources = performance.getEntriesByType('resource');
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            return { html: nav.transferSize, htmlBody: nav.decodedBodySize,
                     resources: resources.reduce((s, r) => s + r.transferSize, 0), count: resources.length,
                     names: resources.map(r => r.name.replace(location.origin, '') + ' ' + r.transferSize).join(', '),
                     responseEnd: nav.responseEnd, fcp: paint ? paint.startTime : -1,
                     dcl: nav.domContentLoadedEventEnd };
            """);
        long total = ((Number) m.get("html")).longValue() + ((Number) m.get("resources")).longValue();
        write(String.format("overview first view: %,d bytes transferred (HTML %,d of %,d decoded; %d resources: %s); "
                + "HTML complete at %.0f ms, first contentful paint at %.0f ms, DOM content loaded at %.0f ms",
            total, ((Number) m.get("html")).longValue(), ((Number) m.get("htmlBody")).longValue(),
            ((Number) m.get("count")).longValue(), m.get("names"), ((Number) m.get("responseEnd")).doubleValue(),
            ((Number) m.get("fcp")).doubleValue(), ((Number) m.get("dcl")).doubleValue()));
        assertThat(total).isLessThan(100_000);
        assertThat(browser.driver().findElement(By.id("card-integrations")).getText()).contains("2");

        // again with an empty cache, the hub now warm (its first answer included loading classes and JIT)
        ((ChromeDriver) browser.driver()).executeCdpCommand("Network.clearBrowserCache", Map.of());
        browser.open(hub.client().baseUri().resolve("/console/"));
        browser.await(d -> d.findElement(By.id("card-integrations")));
        @SuppressWarnings("unchecked")
        Map<String, Object> warm = (Map<String, Object>) browser.script(TIMES);
        write(String.format("overview again, empty cache, warm hub: %,d bytes, HTML complete at %.0f ms, first "
                + "contentful paint at %.0f ms, DOM content loaded at %.0f ms", ((Number) warm.get("bytes")).longValue(),
            ((Number) warm.get("responseEnd")).doubleValue(), ((Number) warm.get("fcp")).doubleValue(),
            ((Number) warm.get("dcl")).doubleValue()));
    }

    private static final String TIMES = """
        const nav = performance.getEntriesByType('navigation')[0];
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        return { bytes: nav.transferSize + performance.getEntriesByType('resource')
                   .reduce((s, r) => s + r.transferSize, 0),
                 responseEnd: nav.responseEnd, fcp: paint ? paint.startTime : -1, dcl: nav.domContentLoadedEventEnd };
        """;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES) // -Dconsole.tail.seconds=300 runs past the 5 minutes a test gets
    void theLiveTailAt2000EventsASecond() throws Exception {
        browser.size(1280, 900);
        signedInWithoutAPage();
        browser.open(hub.client().baseUri().resolve("/console/bus"));
        browser.await(d -> !d.findElement(By.id("tail-state")).isDisplayed());
        ChromeDriver chrome = (ChromeDriver) browser.driver();
        chrome.executeCdpCommand("Performance.enable", Map.of());

        AtomicLong published = new AtomicLong();
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        int perTick = RATE / 10;
        publisher.scheduleAtFixedRate(() -> {
            List<NewBusEvent> batch = new ArrayList<>(perTick);
            for (int i = 0; i < perTick; i++) {
                batch.add(NewBusEvent.json("load.reading", "room-" + (i % 50), "{\"co2\":" + (400 + i) + "}"));
            }
            hub.publish("test", batch);
            published.addAndGet(perTick);
        }, 0, 100, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        List<String> samples = new ArrayList<>();
        double heapMax = 0;
        double heapFirst = -1;
        long nodesMax = 0;
        long elementsMax = 0;
        try {
            for (int s = 5; s <= SECONDS; s += 5) {
                long until = start + s * 1_000_000_000L;
                browser.await(d -> System.nanoTime() >= until ? true : null); // paced by the clock, not a sleep
                Map<String, Object> metrics = chrome.executeCdpCommand("Performance.getMetrics", Map.of());
                double heap = metric(metrics, "JSHeapUsedSize") / 1e6;
                long nodes = (long) metric(metrics, "Nodes"); // detached ones too, until the next collection
                long elements = ((Number) browser.script("return document.getElementsByTagName('*').length"))
                    .longValue();
                @SuppressWarnings("unchecked")
                Map<String, Object> tail = (Map<String, Object>) browser.script("return window.datenhafenTail");
                heapFirst = heapFirst < 0 ? heap : heapFirst;
                heapMax = Math.max(heapMax, heap);
                nodesMax = Math.max(nodesMax, nodes);
                elementsMax = Math.max(elementsMax, elements);
                samples.add(sample(String.format("%ds: published %,d, received %,d, skipped %,d, heap %.1f MB, %d elements "
                    + "in the page (%d nodes with detached ones)", s, published.get(),
                    ((Number) tail.get("received")).longValue(), ((Number) tail.get("skipped")).longValue(), heap,
                    elements, nodes)));
            }
        } finally {
            publisher.shutdownNow();
            publisher.awaitTermination(1, TimeUnit.MINUTES);
        }
        write(String.format("live tail at %,d events/s for %d s: %s; heap max %.1f MB (first sample %.1f MB), "
            + "elements max %d, nodes max %d", RATE, SECONDS, String.join("; ", samples), heapMax, heapFirst,
            elementsMax, nodesMax));

        long shown = browser.driver().findElements(By.cssSelector("#tail-events li")).size();
        assertThat(shown).isEqualTo(200);
        assertThat(elementsMax).isLessThan(1_500);
        assertThat(heapMax - heapFirst).isLessThan(30);
        @SuppressWarnings("unchecked")
        Map<String, Object> tail = (Map<String, Object>) browser.script("return window.datenhafenTail");
        assertThat(((Number) tail.get("received")).longValue()).isGreaterThan(published.get() / 2);
    }

    /** A sample, printed as it is taken (a long run shows its progress). */
    private static String sample(String line) {
        System.out.println("[console numbers] " + line);
        return line;
    }

    private static double metric(Map<String, Object> metrics, String name) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) metrics.get("metrics");
        return list.stream().filter(m -> name.equals(m.get("name"))).mapToDouble(m -> ((Number) m.get("value"))
            .doubleValue()).findFirst().orElse(-1);
    }

    private static void write(String line) throws IOException {
        System.out.println("[console numbers] " + line);
        Path file = Path.of(System.getProperty("basedir", "."), "target", "console-numbers.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
