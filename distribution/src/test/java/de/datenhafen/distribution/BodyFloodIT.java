package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.HubClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients sending large bodies at once to the packaged hub with a small heap. Before the hub had one budget for
 * the request bodies it holds ({@code http.body-memory}), 24 clients sending 15 MB batches took a hub with a 256 MiB
 * heap to {@code OutOfMemoryError} on its event loops, where it stopped answering anything and did not end.
 *
 * <p>With the budget the flood gets 202 or 503 with {@code Retry-After} (and anonymous posts to a guarded plugin door
 * 401 before their bodies are read), the hub stays ready and every accepted event is stored. Where memory still runs
 * out (here: a budget set above the heap), {@code bin/datenhafen}'s {@code -XX:+ExitOnOutOfMemoryError} ends the
 * process, so a supervisor restarts it, and the restarted hub has every event it acknowledged.
 */
class BodyFloodIT {

    private static final String HEAP_128 = "-Xms16m -Xmx128m -XX:+UseG1GC -XX:MaxMetaspaceSize=256m -Xss512k";
    /** Events per batch and characters of data in each: a batch of about 5 MB. */
    private static final int EVENTS = 500;
    private static final int PADDING = 10_000;

    @TempDir
    Path work;

    @Test
    void aFloodOfLargeBodiesIsAnsweredWith503sNotAnOutOfMemoryAndEveryAcceptedEventIsStored() throws Exception {
        try (DemoHub hub = DemoHub.start(work, DemoHub.TOKEN, Map.of("DATENHAFEN_JAVA_OPTS", HEAP_128))) {
            hub.awaitReady();
            String type = "test.flood.accepted";
            // each client sends four fifths of its batch and waits until all have (or were answered): 16 x 4 MB at the
            // hub at once, four times its budget, however the machine schedules the clients
            Flood flood = new Flood(hub.client, type, 16, 1).heldBackAtFourFifths();
            // anonymous clients at a plugin's guarded door: the hub reads a body before it knows the caller
            Map<Integer, Integer> anonymous = new ConcurrentHashMap<>();
            List<Thread> strangers = new ArrayList<>();
            byte[] uplinks = ("[" + "{\"deviceId\":\"x\",\"co2\":400},".repeat(300_000) + "{}]")
                .getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 8; i++) {
                Thread t = new Thread(() -> {
                    for (int n = 0; n < 1; n++) {
                        int status = answerOf(() -> hub.client.anonymous().send("POST",
                            "/api/v1/plugins/air-quality/uplinks", Map.of("Content-Type", "application/json"),
                            uplinks).status());
                        anonymous.merge(status, 1, Integer::sum);
                    }
                }, "stranger-" + i);
                strangers.add(t);
                t.start();
            }
            flood.run();
            for (Thread t : strangers) {
                t.join(120_000);
            }

            System.out.println("answers to the batches " + flood.answers + ", to the anonymous uplinks " + anonymous);
            assertThat(flood.answers).as("answers to the batches; log:\n" + tail(hub)).containsOnlyKeys(202, 503)
                .containsKey(202).containsKey(503);
            // refused before their bodies are read (PluginCallerTest)
            assertThat(anonymous).as("answers to the anonymous uplinks").containsOnlyKeys(401);
            assertThat(flood.refusals).allSatisfy(r -> assertThat(r).startsWith("1 the hub is holding as many request "
                + "bodies in memory as it may (http.body-memory)"));
            hub.assertAlive();
            assertThat(hub.client.anonymous().get("/health/ready").status()).isEqualTo(200);
            assertThat(hub.logText()).doesNotContain("OutOfMemoryError");
            assertThat(stored(hub.client, type)).containsAll(flood.acknowledged);
        }
    }

    @Test
    void anOutOfMemoryEndsTheProcessAndTheRestartedHubHasEveryAcknowledgedEvent() throws Exception {
        String type = "test.flood.oom";
        Path home = work.resolve("hub");
        PackagedHub.copyWithClassData(Path.of(System.getProperty("datenhafen.distribution")), home);
        Flood before;
        Flood flood;
        try (DemoHub first = DemoHub.startIn(home, work.resolve("first.log"), DemoHub.TOKEN, Map.of(
            "DATENHAFEN_JAVA_OPTS", HEAP_128, "DATENHAFEN_HTTP_BODY_MEMORY", Long.toString(4L * 1024 * 1024 * 1024)))) {
            first.awaitReady();
            before = new Flood(first.client, type, 1, 3); // acknowledged before the flood, one at a time
            before.run();
            assertThat(before.answers).as(first.logText()).containsOnlyKeys(202);
            // 32 clients holding four fifths of 5 MB each at once: more than the 128 MiB heap, whatever the pace of the
            // machine (flooding at full speed, the end came after 20 to 80 s)
            flood = new Flood(first.client, type, 32, 1_000).heldBackAtFourFifths();
            flood.until(() -> !first.process.isAlive());
            assertThat(first.process.waitFor(60, TimeUnit.SECONDS)).as("the hub ended; log:\n" + tail(first)).isTrue();
            assertThat(first.process.exitValue()).isEqualTo(3);
            assertThat(first.logText()).contains("Terminating due to java.lang.OutOfMemoryError");
        }

        try (DemoHub restarted = DemoHub.startIn(home, work.resolve("restarted.log"), DemoHub.TOKEN, Map.of())) {
            restarted.awaitReady();
            assertThat(stored(restarted.client, type)).containsAll(before.acknowledged)
                .containsAll(flood.acknowledged);
        }
    }

    /** Clients posting batches of about 5 MB of CloudEvents with the admin token, each as its own thread. */
    private static final class Flood {
        final Map<Integer, Integer> answers = new TreeMap<>();
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final List<String> refusals = new ArrayList<>();
        private final HubClient client;
        private final String type;
        private final int clients;
        private final int batches;
        /** Completed once every client sent four fifths of its batch or has its answer; null: bodies go at once. */
        private CompletableFuture<Void> allAtFourFifths;
        private final AtomicInteger atFourFifths = new AtomicInteger();

        Flood(HubClient client, String type, int clients, int batches) {
            this.client = client.withTimeout(Duration.ofSeconds(60));
            this.type = type;
            this.clients = clients;
            this.batches = batches;
        }

        /**
         * Each client sends four fifths of its first batch, then the rest once every client has come so far or has its
         * answer (at most 20 s), so that all these bodies are at the hub at once.
         */
        Flood heldBackAtFourFifths() {
            // well within the clients' own time-out (60 s): were a client never counted, the others would still end
            allAtFourFifths = new CompletableFuture<Void>().completeOnTimeout(null, 20, TimeUnit.SECONDS);
            return this;
        }

        void run() throws InterruptedException {
            until(() -> false);
        }

        /** Runs until each client sent its batches, or {@code stop} holds, or two minutes passed. */
        void until(java.util.function.BooleanSupplier stop) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            AtomicBoolean stopped = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                AtomicBoolean arrived = new AtomicBoolean(); // counted once, at its first batch
                Thread t = new Thread(() -> {
                    for (int b = 0; b < batches && !stopped.get(); b++) {
                        if (stop.getAsBoolean() || System.nanoTime() > deadline) {
                            stopped.set(true);
                            return;
                        }
                        post(client + "-" + b, arrived);
                    }
                }, "flood-" + c);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(300_000);
            }
        }

        private void post(String batch, AtomicBoolean arrived) {
            String padding = "p".repeat(PADDING);
            StringBuilder events = new StringBuilder(EVENTS * (PADDING + 150)).append('[');
            for (int i = 0; i < EVENTS; i++) {
                events.append(i == 0 ? "" : ",").append("{\"specversion\":\"1.0\",\"id\":\"").append(batch).append('-')
                    .append(i).append("\",\"source\":\"/test/flood\",\"type\":\"").append(type)
                    .append("\",\"data\":{\"n\":").append(i).append(",\"padding\":\"").append(padding).append("\"}}");
            }
            byte[] body = events.append(']').toString().getBytes(StandardCharsets.UTF_8);
            HubClient.Response r;
            try {
                r = client.sendFrom("POST", "/api/v1/events", Map.of("Content-Type",
                    "application/cloudevents-batch+json"), allAtFourFifths == null
                    ? HttpRequest.BodyPublishers.ofByteArray(body) : heldBack(body, arrived));
            } catch (UncheckedIOException e) {
                record(-1, null);
                return;
            } finally {
                arrived(arrived);
            }
            record(r.status(), r);
            if (r.status() == 202) {
                for (Object o : r.json().getJsonArray("events")) {
                    acknowledged.add(((JsonObject) o).getString("id"));
                }
            }
        }

        /**
         * The body's first four fifths, then the rest once {@link #allAtFourFifths} is complete: the client's
         * HTTP connection sends its rest only when the second part is subscribed to, after the first was sent.
         */
        private HttpRequest.BodyPublisher heldBack(byte[] body, AtomicBoolean arrived) {
            int cut = body.length / 5 * 4;
            byte[] rest = Arrays.copyOfRange(body, cut, body.length);
            Flow.Publisher<ByteBuffer> afterTheOthers = subscriber -> {
                arrived(arrived);
                allAtFourFifths.whenCompleteAsync((done, e) ->
                    HttpRequest.BodyPublishers.ofByteArray(rest).subscribe(subscriber));
            };
            return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(body, 0, cut),
                HttpRequest.BodyPublishers.fromPublisher(afterTheOthers, rest.length));
        }

        /** A client came to four fifths of its first body, or has its answer before: counted once per client. */
        private void arrived(AtomicBoolean arrived) {
            if (allAtFourFifths != null && arrived.compareAndSet(false, true)) {
                if (atFourFifths.incrementAndGet() == clients) {
                    allAtFourFifths.complete(null);
                }
            }
        }

        private synchronized void record(int status, HubClient.Response r) {
            answers.merge(status, 1, Integer::sum);
            if (status == 503) {
                refusals.add(r.header("Retry-After") + " " + r.json().getString("error"));
            }
        }
    }

    /** An answer's status, or -1 for a connection that ended without one. */
    private static int answerOf(java.util.function.IntSupplier request) {
        try {
            return request.getAsInt();
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    /** The ids of the stored events of {@code type}, paged through as a reader would. */
    private static Set<String> stored(HubClient client, String type) {
        Set<String> ids = new HashSet<>();
        long after = 0;
        while (true) {
            JsonObject page = client.get("/api/v1/events?type=" + type + "&limit=1000&after=" + after).json();
            JsonArray events = page.getJsonArray("events");
            if (events.isEmpty()) {
                return ids;
            }
            for (Object o : events) {
                ids.add(((JsonObject) o).getJsonObject("event").getString("id"));
            }
            after = page.getLong("next");
        }
    }

    private static String tail(DemoHub hub) {
        String text = hub.logText();
        return text.length() > 20_000 ? text.substring(text.length() - 20_000) : text;
    }
}
