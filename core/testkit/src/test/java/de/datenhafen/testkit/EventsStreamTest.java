package de.datenhafen.testkit;

import static de.datenhafen.testkit.EventsApiTest.event;
import static de.datenhafen.testkit.EventsApiTest.newType;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/v1/events/stream}: server-sent events, first the stored ones after a sequence, then live ones as
 * they are committed. Lines are awaited with a bound of {@value #WAIT_SECONDS} s each.
 */
class EventsStreamTest {

    private static final int WAIT_SECONDS = 10;
    private static final String STRUCTURED = "application/cloudevents+json";
    private static final String BATCH = "application/cloudevents-batch+json";

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void answersWithAnEventStream(HubClient client) throws Exception {
        try (Sse sse = Sse.open(client, "type=" + newType(), null)) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        }
    }

    @Test
    void sendsTheStoredEventsAfterTheGivenSequence(HubClient client) throws Exception {
        String type = newType();
        List<Long> seqs = post(client, type, "a-1", "a-2", "a-3");

        try (Sse sse = Sse.open(client, "type=" + type + "&after=" + seqs.get(0), null)) {
            Message second = sse.next();
            Message third = sse.next();

            assertThat(second.id()).isEqualTo(Long.toString(seqs.get(1)));
            assertThat(second.event()).isEqualTo(type);
            assertThat(new JsonObject(second.data()).getString("id")).isEqualTo("a-2");
            assertThat(third.id()).isEqualTo(Long.toString(seqs.get(2)));
        }
    }

    @Test
    void sendsEachMessageAsAStructuredCloudEvent(HubClient client) throws Exception {
        String type = newType();
        List<Long> seqs = post(client, type, "c-1");

        try (Sse sse = Sse.open(client, "type=" + type + "&after=" + (seqs.get(0) - 1), null)) {
            JsonObject data = new JsonObject(sse.next().data());

            assertThat(data.getString("specversion")).isEqualTo("1.0");
            assertThat(data.getString("id")).isEqualTo("c-1");
            assertThat(data.getString("type")).isEqualTo(type);
            assertThat(data.getString("subject")).isEqualTo("school-7/room-1.12");
            assertThat(data.getJsonObject("data")).isEqualTo(new JsonObject().put("co2", 612));
        }
    }

    @Test
    void deliversEventsCommittedWhileTheStreamIsOpen(HubClient client) throws Exception {
        String type = newType();
        List<Long> before = post(client, type, "l-1");

        try (Sse sse = Sse.open(client, "type=" + type + "&after=" + before.get(0), null)) {
            List<Long> live = post(client, type, "l-2");

            Message m = sse.next();
            assertThat(m.id()).isEqualTo(Long.toString(live.get(0)));
            assertThat(new JsonObject(m.data()).getString("id")).isEqualTo("l-2");
        }
    }

    @Test
    void startsWithNewEventsWhenGivenNoPosition(HubClient client) throws Exception {
        String type = newType();
        post(client, type, "n-1");

        try (Sse sse = Sse.open(client, "type=" + type, null)) {
            post(client, type, "n-2");

            assertThat(new JsonObject(sse.next().data()).getString("id")).isEqualTo("n-2");
        }
    }

    @Test
    void resumesAfterTheLastEventIdHeaderRatherThanAfter(HubClient client) throws Exception {
        String type = newType();
        List<Long> seqs = post(client, type, "r-1", "r-2", "r-3");

        try (Sse sse = Sse.open(client, "type=" + type + "&after=0", Long.toString(seqs.get(1)))) {
            Message m = sse.next();

            assertThat(m.id()).isEqualTo(Long.toString(seqs.get(2)));
            assertThat(new JsonObject(m.data()).getString("id")).isEqualTo("r-3");
        }
    }

    @Test
    void sendsOnlyEventsOfTheRequestedTypes(HubClient client) throws Exception {
        String wanted = newType();
        String other = newType();

        try (Sse sse = Sse.open(client, "type=" + wanted, null)) {
            post(client, other, "o-1");
            post(client, wanted, "w-1");

            Message m = sse.next();
            assertThat(m.event()).isEqualTo(wanted);
            assertThat(new JsonObject(m.data()).getString("id")).isEqualTo("w-1");
        }
    }

    @Test
    void sendsMoreStoredEventsThanOnePageInOrder(HubClient client) throws Exception {
        String type = newType();
        JsonArray batch = new JsonArray();
        for (int i = 0; i < 600; i++) {
            batch.add(event("many-" + i, type));
        }
        HubClient.Response posted = client.post("/api/v1/events", BATCH, batch.encode());
        long first = posted.json().getJsonArray("events").getJsonObject(0).getLong("sequence");

        try (Sse sse = Sse.open(client, "type=" + type + "&after=" + (first - 1), null)) {
            for (int i = 0; i < 600; i++) {
                assertThat(sse.next().id()).isEqualTo(Long.toString(first + i));
            }
        }
    }

    @Test
    void refusesALastEventIdThatIsNotASequence(HubClient client) throws Exception {
        HttpResponse<String> r = HTTP.send(request(client, "type=x", "abc").build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("field")).isEqualTo("Last-Event-ID");
    }

    @Test
    void refusesAStreamWithoutTheAdminToken(HubClient client) {
        assertThat(client.anonymous().get("/api/v1/events/stream").status()).isEqualTo(401);
    }

    /**
     * A stream checks its credentials again before it sends and at each heartbeat: opened with a token that is then
     * revoked, or under a member that is then suspended, it ends, and what is committed after that never reaches it
     * (the attacker's probe had the stream go on delivering for as long as the connection stayed open).
     */
    @Test
    void aStreamEndsWhenItsTokenIsRevokedOrItsMemberSuspendedAndSendsNothingAfter(HubClient client) throws Exception {
        String member = "stream-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        assertThat(client.post("/api/v1/admin/members", new JsonObject().put("id", member).put("name", "Streams")
            .put("contact", "it@streams.example")).status()).isEqualTo(201);
        String type = newType();

        for (String how : List.of("revoked", "suspended")) {
            HubClient.Response made = client.post("/api/v1/admin/members/" + member + "/tokens", new JsonObject()
                .put("name", "tail-" + how).put("roles", new JsonArray().add("hub-admin")).put("purpose", "test"));
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            HubClient holder = client.withToken(made.json().getString("token"));
            try (Sse sse = Sse.open(holder, "type=" + type, null)) {
                post(client, type, how + "-before");
                assertThat(new JsonObject(sse.next().data()).getString("id")).isEqualTo(how + "-before");

                if (how.equals("revoked")) {
                    String id = client.get("/api/v1/admin/members/" + member + "/tokens").jsonArray().stream()
                        .map(o -> (JsonObject) o).filter(o -> o.getString("name").equals("tail-revoked"))
                        .findFirst().orElseThrow().getString("id");
                    assertThat(client.delete("/api/v1/admin/members/" + member + "/tokens/" + id).status())
                        .isEqualTo(200);
                } else {
                    assertThat(client.patch("/api/v1/admin/members/" + member, "application/json",
                        new JsonObject().put("state", "suspended").encode()).status()).isEqualTo(200);
                }
                post(client, type, how + "-after");

                List<String> rest = sse.linesUntilTheEnd();
                assertThat(rest).as(how).contains(": the stream's credentials no longer let it on (revoked, expired, "
                    + "signed out or suspended)");
                assertThat(String.join("\n", rest)).as(how).doesNotContain(how + "-after");
            }
        }
    }

    // ---- helpers

    private static List<Long> post(HubClient client, String type, String... ids) {
        JsonArray batch = new JsonArray();
        for (String id : ids) {
            batch.add(event(id, type));
        }
        HubClient.Response r = client.post("/api/v1/events", ids.length == 1 ? STRUCTURED : BATCH,
            ids.length == 1 ? batch.getJsonObject(0).encode() : batch.encode());
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        List<Long> out = new ArrayList<>();
        r.json().getJsonArray("events").forEach(e -> out.add(((JsonObject) e).getLong("sequence")));
        return out;
    }

    private static HttpRequest.Builder request(HubClient client, String query, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(client.baseUri().resolve("/api/v1/events/stream?" + query))
            .header("Authorization", "Bearer " + client.adminToken()).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return b.GET();
    }

    /** One server-sent message. */
    record Message(String id, String event, String data) {
    }

    /** A stream being read on a thread of its own into a queue of lines, so the test can wait with a bound. */
    static final class Sse implements AutoCloseable {
        /** Put after the last line when the hub ended the stream. */
        private static final String END = "\u0000end";
        final HttpResponse<Stream<String>> response;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private Sse(HttpResponse<Stream<String>> response) {
            this.response = response;
            Thread reader = new Thread(() -> {
                try {
                    response.body().forEach(lines::add);
                    lines.add(END);
                } catch (RuntimeException e) {
                    // the stream was closed by the test
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Sse open(HubClient client, String query, String lastEventId) throws Exception {
            HttpResponse<Stream<String>> r = HTTP.sendAsync(request(client, query, lastEventId).build(),
                HttpResponse.BodyHandlers.ofLines()).get(WAIT_SECONDS, TimeUnit.SECONDS);
            return new Sse(r);
        }

        /** The next message (comments skipped), waiting at most {@value #WAIT_SECONDS} s for each line. */
        Message next() throws InterruptedException {
            String id = null;
            String event = null;
            StringBuilder data = null;
            while (true) {
                String line = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                assertThat(line).as("a line of the event stream within " + WAIT_SECONDS + " s").isNotNull();
                if (line.isEmpty()) {
                    if (data != null) {
                        return new Message(id, event, data.toString());
                    }
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(line.substring(6));
                }
            }
        }

        /** The lines until the hub ends the stream, which it must within {@value #WAIT_SECONDS} s of the last. */
        List<String> linesUntilTheEnd() throws InterruptedException {
            List<String> got = new ArrayList<>();
            while (true) {
                String line = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                assertThat(line).as("the stream's end within " + WAIT_SECONDS + " s, after " + got).isNotNull();
                if (line.equals(END)) {
                    return got;
                }
                got.add(line);
            }
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }
}
