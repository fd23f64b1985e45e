package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook sink's promise against the packaged server: a hub delivering events to a local receiver is killed with
 * SIGKILL in the middle of it, started again on the same data, and then every event reaches the receiver at least
 * once, in order per subject: when an event arrives, every earlier event of its subject has arrived before (a
 * redelivery after the restart may repeat some; the {@code webhook-id} lets a receiver drop them).
 */
class WebhookCrashIT {

    private static final String TOKEN = "webhook-crash-admin-token-0123456789";
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final int EVENTS = 3000;
    private static final int SUBJECTS = 12;

    @TempDir
    Path work;

    private Path home;
    private int port;
    private Process process;
    private int starts;

    /** What the receiver got: the event's number and subject, in order of arrival. */
    private record Arrival(int n, String subject, String webhookId) {
    }

    @AfterEach
    void stopIfRunning() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void afterASigkillDuringDeliveryEveryEventArrivesAtLeastOnceInOrderPerSubject() throws Exception {
        home = work.resolve("hub");
        PackagedHub.copyWithClassData(Path.of(System.getProperty("datenhafen.distribution")), home);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        receiver.setExecutor(Executors.newFixedThreadPool(8));
        receiver.createContext("/hook", x -> {
            try (x) {
                JsonObject ce = new JsonObject(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                String id = x.getRequestHeaders().getFirst("webhook-id");
                boolean signed = id != null && x.getRequestHeaders().getFirst("webhook-signature") != null;
                if (signed) {
                    arrivals.add(new Arrival(ce.getJsonObject("data").getInteger("n"), ce.getString("subject"), id));
                }
                x.sendResponseHeaders(signed ? 204 : 400, -1);
            }
        });
        receiver.start();
        try {
            HubClient client = start();
            HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject()
                .put("name", "crash-hook").put("connector", "webhook-sink").put("config", new JsonObject()
                    .put("types", new JsonArray().add("city.crash"))
                    .put("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")
                    .put("secret", SECRET).put("concurrency", 4)));
            assertThat(created.status()).as(created.body()).isEqualTo(201);

            for (int from = 0; from < EVENTS; from += 500) {
                HubClient.Response r = client.post("/api/v1/events", "application/cloudevents-batch+json",
                    batch(from, 500));
                assertThat(r.status()).as(r.body()).isEqualTo(202);
            }
            // kill while deliveries are under way: some arrived, many not yet
            await("a third of the events delivered").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(2))
                .until(() -> arrivals.size() >= EVENTS / 3);
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed hub exited").isTrue();
            int beforeKill = arrivals.size();

            start();
            await("every event delivered after the restart").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> arrivals.stream().map(Arrival::n).distinct().count() == EVENTS);

            Map<String, Integer> lastSeen = new HashMap<>();
            Set<Integer> seen = new HashSet<>();
            List<String> outOfOrder = new ArrayList<>();
            for (Arrival a : arrivals) {
                // this subject's events are n = subject index + k * SUBJECTS; the one before this must have come
                int previous = a.n() - SUBJECTS;
                if (previous >= 0 && !seen.contains(previous)) {
                    outOfOrder.add(a.n() + " before " + previous + " (" + a.subject() + ")");
                }
                seen.add(a.n());
                lastSeen.put(a.subject(), a.n());
            }
            long duplicates = arrivals.size() - EVENTS;
            System.out.printf("webhook crash: killed after %d deliveries, %d in all after the restart, %d repeated "
                + "(same webhook-id), %d subjects%n", beforeKill, arrivals.size(), duplicates, lastSeen.size());
            assertThat(outOfOrder).as("events that arrived before an earlier one of their subject").isEmpty();
            assertThat(seen).hasSize(EVENTS);
            assertThat(arrivals.stream().map(Arrival::webhookId).distinct().count()).isEqualTo(EVENTS);
        } finally {
            receiver.stop(0);
        }
    }

    /** {@code count} CloudEvents numbered from {@code from}; event n has subject n % SUBJECTS. */
    private static String batch(int from, int count) {
        JsonArray events = new JsonArray();
        for (int n = from; n < from + count; n++) {
            events.add(new JsonObject().put("specversion", "1.0").put("id", "w-" + n).put("source", "/crash-test")
                .put("type", "city.crash").put("subject", "s-" + (n % SUBJECTS))
                .put("datacontenttype", "application/json").put("data", new JsonObject().put("n", n)));
        }
        return events.encode();
    }

    private HubClient start() throws IOException {
        Path log = work.resolve("hub-" + starts++ + ".log");
        ProcessBuilder command = PackagedHub.command(home, port, TOKEN, log);
        // the receiver is on this machine: sinks reach public addresses only unless the operator lists more
        command.environment().put("DATENHAFEN_SINKS_ALLOWED_PRIVATE_HOSTS", "127.0.0.1");
        process = command.start();
        HubClient client = new HubClient(URI.create("http://127.0.0.1:" + port), TOKEN);
        await("hub ready (log " + log + ")").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
            .failFast(() -> assertThat(process.isAlive()).as("hub process alive; log:\n" + Files.readString(log))
                .isTrue())
            .ignoreExceptions()
            .until(() -> client.get("/health/ready").status() == 200);
        return client;
    }
}
