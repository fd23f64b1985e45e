package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.api.Caller;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP ingest while the bus's writer is behind, held by the testkit after a commit as a slow disk would hold it:
 * the route waits for its commit without a worker (many uplinks wait at once on a plugin with two HTTP threads),
 * and the bus's refusals are answered as the hub answers them (503 with Retry-After when full, 400 for a batch larger
 * than its whole queue), nothing of a refused uplink stored.
 */
class UplinksWhileTheBusIsBehindIT {

    private static final int WORKERS = 2;
    private static final int CAPACITY = 40;
    private static final int REQUESTS = 24;
    private static final String DEVICE = "70B3D57ED0000001";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES);

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().pluginUnderTest()
        .config("http.workers", WORKERS).config("bus.queue.capacity", CAPACITY).build();

    private static final ExecutorService SENDERS = Executors.newFixedThreadPool(REQUESTS);
    private static String token;

    @BeforeAll
    static void anIngestAndOneDevice() {
        HubClient client = hub.client();
        Members.create(client);
        token = Members.token(client, Members.OWNER, "editor", Caller.MEMBER_EDITOR);
        AirQualityIT.create(client, "aq-registry", "airquality-registry", new JsonObject());
        AirQualityIT.create(client, "aq-http", "airquality-http", new JsonObject());
        HubClient.Response imported = client.withToken(token).post(AirQualityIT.ROOT + "registry/import", "text/csv",
            "site,site_name,address,latitude,longitude,room,room_name,kind,device,since\n"
                + "gs-nord,Grundschule Nord,Nordweg 1,53.87,10.68,1.01,Klasse 1a,classroom," + DEVICE
                + ",2026-01-01T00:00:00Z\n");
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    }

    @AfterAll
    static void stopSenders() {
        SENDERS.shutdownNow();
    }

    @Test
    void manyUplinksWaitForTheirCommitAtOnceWhileThePluginHasTwoHttpThreads() throws Exception {
        Instant t = NOW.minus(Duration.ofDays(1));
        List<Future<HubClient.Response>> answers = new ArrayList<>();
        try (HubExtension.BusHold held = hub.holdBus()) {
            assertThat(post(readings(t, 1)).status()).isEqualTo(202); // the writer is held after this commit
            for (int i = 1; i <= REQUESTS; i++) {
                String body = readings(t.plusSeconds(i), 1);
                answers.add(SENDERS.submit(() -> post(body)));
            }

            // a worker that waited for each commit would let at most two of them reach the bus
            await().atMost(Duration.ofSeconds(20)).until(() -> held.waitingEvents() >= 1 + REQUESTS);
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(th -> th.getName()
                .startsWith("plugin-air-quality-http-")).hasSizeBetween(1, WORKERS);
            assertThat(answers).noneMatch(Future::isDone);
        }

        for (Future<HubClient.Response> answer : answers) {
            HubClient.Response r = answer.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            assertThat(r.json()).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0));
        }
        assertThat(storedBetween(t, t.plusSeconds(REQUESTS))).isEqualTo(1 + REQUESTS);
    }

    @Test
    void aFullBusIsAnswered503WithRetryAfterAndNothingOfThatUplinkIsStored() throws Exception {
        Instant t = NOW.minus(Duration.ofDays(2));
        Future<HubClient.Response> filling;
        HubClient.Response refused;
        try (HubExtension.BusHold held = hub.holdBus()) {
            assertThat(post(readings(t, 1)).status()).isEqualTo(202);
            String fill = readings(t.plusSeconds(1), CAPACITY - 1);
            filling = SENDERS.submit(() -> post(fill));
            await().atMost(Duration.ofSeconds(20)).until(() -> held.waitingEvents() >= CAPACITY);

            refused = post(readings(t.plusSeconds(600), 1));
        }

        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().getString("error"))
            .isEqualTo("the event log is busy: " + CAPACITY + " events are waiting to be stored");
        HubClient.Response filled = filling.get(30, TimeUnit.SECONDS);
        assertThat(filled.status()).as(filled.body()).isEqualTo(202);
        assertThat(filled.json()).isEqualTo(new JsonObject().put("accepted", CAPACITY - 1).put("duplicates", 0));
        assertThat(storedBetween(t.plusSeconds(600), t.plusSeconds(600))).isZero();
    }

    @Test
    void aBatchLargerThanTheBussWholeQueueIs400NamingTheLimitAndNothingIsStored() {
        Instant t = NOW.minus(Duration.ofDays(3));

        HubClient.Response r = post(readings(t, CAPACITY + 1));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().getString("field")).isEqualTo("events");
        assertThat(r.json().getString("error"))
            .isEqualTo("a batch may hold at most " + CAPACITY + " events, this one has " + (CAPACITY + 1));
        assertThat(storedBetween(t, t.plusSeconds(CAPACITY))).isZero();
    }

    private static HubClient.Response post(String body) {
        return hub.client().withToken(token).post(AirQualityIT.ROOT + "uplinks", "application/json", body);
    }

    /** {@code n} plain readings of the device, a second apart from {@code first}. */
    private static String readings(Instant first, int n) {
        StringJoiner batch = new StringJoiner(",", "[", "]");
        for (int i = 0; i < n; i++) {
            batch.add(AirQualityIT.plain(DEVICE, first.plusSeconds(i), 500 + i));
        }
        return batch.toString();
    }

    private static long storedBetween(Instant from, Instant to) {
        return hub.events("air.reading").stream().filter(e -> !e.time().isBefore(from) && !e.time().isAfter(to))
            .count();
    }
}
