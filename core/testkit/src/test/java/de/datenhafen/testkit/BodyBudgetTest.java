package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.api.PayloadTooLargeException;
import de.datenhafen.core.http.BodyBudget;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's budget for request bodies in memory, on a real Vert.x server and port: a body that no longer fits is
 * refused with 503 and its bytes come back, whatever way a request ends its bytes come back, and what could never fit
 * is 413 before it is read. The route here keeps each body it got until the test lets it answer.
 */
class BodyBudgetTest {

    private static final long LIMIT = 100_000;
    private static final long MAX = 1024 * 1024;

    private final BodyBudget budget = new BodyBudget(LIMIT);
    /** 200,000 bytes, of which one client address may hold 60,000. */
    private final BodyBudget shared = new BodyBudget(200_000, 60_000);
    /** Bodies at 2,000 bytes a second or more, once a second has passed. */
    private final BodyBudget paced = new BodyBudget(200_000, 200_000, 2_000, Duration.ofSeconds(1));
    private final BlockingQueue<RoutingContext> holding = new LinkedBlockingQueue<>();
    private Vertx vertx;
    private Router router;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        router = Router.router(vertx);
        router.post("/hold").handler(ctx -> budget.read(ctx, MAX,
            announced -> new PayloadTooLargeException("over the route's own limit"),
            body -> {
                ctx.put("size", body.length);
                holding.add(ctx);
            }));
        router.post("/shared").handler(ctx -> shared.read(ctx, MAX,
            announced -> new PayloadTooLargeException("over the route's own limit"),
            body -> {
                ctx.put("size", body.length);
                holding.add(ctx);
            }));
        router.post("/paced").handler(ctx -> paced.read(ctx, MAX,
            announced -> new PayloadTooLargeException("over the route's own limit"),
            body -> ctx.response().end(new JsonObject().put("size", body.length).encode())));
        router.post("/small").handler(ctx -> budget.read(ctx, 10_000,
            announced -> new PayloadTooLargeException("over the route's own limit"), body -> ctx.response().end()));
        server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBodyThatNoLongerFitsIs503WithRetryAfterAndTheHeldBytesStayAsTheyWere() throws Exception {
        Thread first = post(80_000);
        RoutingContext held = holding.poll(10, TimeUnit.SECONDS);
        assertThat(held).isNotNull();
        assertThat(budget.held()).isEqualTo(80_000);

        RawHttp.Answer refused = RawHttp.send(server.actualPort(), request(40_000));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.header("Connection")).isEqualTo("close");
        assertThat(new JsonObject(refused.body()).getString("error"))
            .isEqualTo("the hub is holding as many request bodies in memory as it may (http.body-memory); try again "
                + "shortly");
        assertThat(budget.held()).isEqualTo(80_000);

        answer(held);
        first.join(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.held() == 0);
        Thread again = post(40_000);
        RoutingContext second = holding.poll(10, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat((Integer) second.get("size")).isEqualTo(40_000);
        answer(second);
        again.join(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.held() == 0);
    }

    @Test
    void oneClientAddressHoldsAtMostItsShareWhileAnotherStillGetsIn() throws Exception {
        Thread first = postFrom("127.0.0.1", "/shared", 50_000);
        RoutingContext held = holding.poll(10, TimeUnit.SECONDS);
        assertThat(held).isNotNull();
        Thread other = postFrom("127.0.0.2", "/shared", 50_000);
        RoutingContext second = holding.poll(10, TimeUnit.SECONDS);
        assertThat(second).as("another address gets in").isNotNull();
        assertThat(shared.held()).isEqualTo(100_000);

        RawHttp.Answer refused = RawHttp.send(server.actualPort(), request("/shared", 20_000));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("this client address is holding as "
            + "many request bodies in memory as one may (60000 bytes of http.body-memory); try again when its other "
            + "requests are answered");
        answer(held);
        answer(second);
        first.join(10_000);
        other.join(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> shared.held() == 0);
    }

    @Test
    void aClientThatGoesAwayHalfwayThroughItsBodyGivesItsBytesBack() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /hold HTTP/1.1\r\nHost: localhost\r\nContent-Length: 90000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[50_000]);
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> budget.held() == 50_000);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.held() == 0);
        assertThat(holding).isEmpty();
    }

    @Test
    void aClientThatGoesAwayBeforeTheAnswerGivesItsBytesBack() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request(30_000));
            out.flush();
            assertThat(holding.poll(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(budget.held()).isEqualTo(30_000);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.held() == 0);
    }

    @Test
    void aBodyAnnouncedLargerThanTheWholeBudgetIs413BeforeItIsRead() {
        RawHttp.Answer r = RawHttp.send(server.actualPort(), request(200_000));

        assertThat(r.status()).as(r.toString()).isEqualTo(413);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("the body has 200000 bytes; this hub holds "
            + "at most 100000 bytes of one client's request bodies in memory at once (http.body-memory)");
        assertThat(budget.held()).isZero();
        assertThat(holding).isEmpty();
    }

    @Test
    void aBodyOverTheRoutesOwnLimitIs413AnnouncedOrNotAndAChunkedOneOverTheBudgetIs503() {
        RawHttp.Answer announced = RawHttp.send(server.actualPort(), ("POST /hold HTTP/1.1\r\nHost: localhost\r\n"
            + "Connection: close\r\nContent-Length: " + (MAX + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        RawHttp.Answer overSmall = RawHttp.send(server.actualPort(), chunked("/small", 3));
        RawHttp.Answer overBudget = RawHttp.send(server.actualPort(), chunked("/hold", 13));

        assertThat(announced.status()).as(announced.toString()).isEqualTo(413);
        assertThat(new JsonObject(announced.body()).getString("error")).isEqualTo("over the route's own limit");
        assertThat(overSmall.status()).as(overSmall.toString()).isEqualTo(413);
        assertThat(new JsonObject(overSmall.body()).getString("error")).isEqualTo("over the route's own limit");
        // 13 x 8 KiB is within the route's 1 MiB but not within the budget's 100,000 bytes
        assertThat(overBudget.status()).as(overBudget.toString()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.held() == 0);
        assertThat(holding).isEmpty();
    }

    @Test
    void aClientThatAsksFor100ContinueGetsItBeforeItSendsTheBodyAndAnotherExpectationIs417() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /small HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            java.io.InputStream in = socket.getInputStream();
            assertThat(RawHttp.head(in)).startsWith("HTTP/1.1 100 Continue");
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(RawHttp.head(in)).startsWith("HTTP/1.1 200");
        }

        RawHttp.Answer refused = RawHttp.send(server.actualPort(), "hello", "POST /small HTTP/1.1", "Host: localhost",
            "Content-Length: 5", "Expect: a-teapot");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(417);
        assertThat(new JsonObject(refused.body()).getString("field")).isEqualTo("Expect");
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.held() == 0);
    }


    /** A chunked request (no Content-Length) of {@code pieces} chunks of 8 KiB. */
    @Test
    void aBodyThatComesSlowerThanTheFloorIs408AndItsConnectionClosedWhileAPacedOneIsRead() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", server.actualPort());
             Socket steady = new Socket("127.0.0.1", server.actualPort())) {
            slow.setSoTimeout(10_000);
            OutputStream out = slow.getOutputStream();
            out.write(("POST /paced HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n"
                + "x".repeat(500)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            OutputStream steadyOut = steady.getOutputStream();
            steadyOut.write("POST /paced HTTP/1.1\r\nHost: localhost\r\nContent-Length: 12000\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            // 12,000 bytes in 3 s: 4,000 a second, twice the floor, at the client's own pace; the slow one is refused
            // meanwhile
            ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger sent = new AtomicInteger();
            try {
                pace.scheduleAtFixedRate(() -> {
                    if (sent.get() < 30) {
                        try {
                            steadyOut.write("y".repeat(400).getBytes(StandardCharsets.US_ASCII));
                            steadyOut.flush();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        sent.incrementAndGet();
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);

                String head = RawHttp.head(slow.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 408").containsIgnoringCase("connection: close");
            int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
            JsonObject error = new JsonObject(new String(slow.getInputStream().readNBytes(length),
                StandardCharsets.UTF_8));
            assertThat(error.getString("field")).isEqualTo("body");
            assertThat(error.getString("error")).startsWith("the body came slower than 2000 bytes a second "
                + "(http.body-min-rate): 500 bytes in ");
                assertThat(slow.getInputStream().read()).as("closed, not waiting for the rest").isEqualTo(-1);

                await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() == 30);
                steady.setSoTimeout(10_000);
                String steadyHead = RawHttp.head(steady.getInputStream());
                assertThat(steadyHead).startsWith("HTTP/1.1 200");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(2_900));
                await().atMost(Duration.ofSeconds(10)).until(() -> paced.held() == 0);
            } finally {
                pace.shutdownNow();
            }
        }
    }

    @Test
    void anIpv6ClientsShareIsItsSlash64sWhicheverOfItsAddressesItSendsFrom() throws Exception {
        try (Ipv6Loopback lo = Ipv6Loopback.add("2001:db8:b0:1::1", "2001:db8:b0:1::2", "2001:db8:b0:2::1")) {
            int port = vertx.createHttpServer().requestHandler(router).listen(0, "::1").toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
            Thread first = postFrom(lo.address(0), port, "/shared", 50_000);
            RoutingContext held = holding.poll(10, TimeUnit.SECONDS);
            assertThat(held).isNotNull();

            RawHttp.Answer sameNetwork = RawHttp.sendFrom(lo.address(1), port, request("/shared", 20_000));
            Thread otherNetwork = postFrom(lo.address(2), port, "/shared", 50_000);
            RoutingContext second = holding.poll(10, TimeUnit.SECONDS);

            assertThat(sameNetwork.status()).as(sameNetwork.toString()).isEqualTo(503);
            assertThat(new JsonObject(sameNetwork.body()).getString("error")).startsWith("this client address is "
                + "holding as many request bodies in memory as one may");
            assertThat(second).as("another /64 gets in").isNotNull();
            answer(held);
            answer(second);
            first.join(10_000);
            otherNetwork.join(10_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> shared.held() == 0);
        }
    }

    private static byte[] chunked(String path, int pieces) {
        StringBuilder b = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n");
        String piece = "a".repeat(8192);
        for (int i = 0; i < pieces; i++) {
            b.append(Integer.toHexString(piece.length())).append("\r\n").append(piece).append("\r\n");
        }
        return b.append("0\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] request(int size) {
        return request("/hold", size);
    }

    private static byte[] request(String path, int size) {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: " + size
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + size];
        System.arraycopy(head, 0, all, 0, head.length);
        java.util.Arrays.fill(all, head.length, all.length, (byte) 'x');
        return all;
    }

    /** Posts a body of {@code size} bytes on a thread of its own; the route holds it until {@link #answer}. */
    private Thread post(int size) {
        Thread t = new Thread(() -> RawHttp.send(server.actualPort(), request(size)), "post-" + size);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Posts from a given loopback address (all of 127/8 is loopback on Linux), on a thread of its own. */
    private Thread postFrom(String local, String path, int size) throws java.net.UnknownHostException {
        return postFrom(java.net.InetAddress.getByName(local), server.actualPort(), path, size);
    }

    private static Thread postFrom(java.net.InetAddress local, int port, String path, int size) {
        Thread t = new Thread(() -> RawHttp.sendFrom(local, port, request(path, size)), "post-" + local);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void answer(RoutingContext ctx) {
        ctx.vertx().runOnContext(v -> ctx.response().end(new JsonObject(Map.of("size", ctx.get("size"))).encode()));
    }
}
