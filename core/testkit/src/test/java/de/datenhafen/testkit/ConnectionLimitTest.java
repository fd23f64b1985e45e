package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.datenhafen.core.http.ConnectionLimit;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub keeps at most {@code http.max-connections} connections open, of them at most
 * {@code http.max-connections-per-address} from one client address; a connection beyond is answered 503 and closed
 * (before, Vert.x accepted every connection, and anyone could open them until the process ran out of file descriptors
 * or memory). Client addresses are loopback addresses of their own (all of 127/8 is loopback on Linux), so that the
 * test's own HTTP client on 127.0.0.1 does not count against them.
 */
class ConnectionLimitTest {

    private static final int LIMIT = 12;
    private static final int PER_ADDRESS = 3;

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().config("http.max-connections", LIMIT)
        .config("http.max-connections-per-address", PER_ADDRESS).build();

    private final List<Socket> held = new ArrayList<>();

    @AfterEach
    void closeHeld() throws IOException {
        for (Socket s : held) {
            s.close();
        }
        held.clear();
        // the next test needs room for one address's share
        await().atMost(Duration.ofSeconds(10)).until(() -> limit().open() < LIMIT - PER_ADDRESS);
    }

    @Test
    void anAddressBeyondItsShareIsAnswered503AndAnotherAddressStillGetsIn() throws Exception {
        for (int i = 0; i < PER_ADDRESS; i++) {
            hold("127.0.0.2");
        }
        long refusedBefore = limit().refusedTotal();

        RawHttp.Answer refused = live("127.0.0.2");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.header("Connection")).isEqualTo("close");
        JsonObject error = new JsonObject(refused.body());
        assertThat(error.getString("field")).isEqualTo("connection");
        assertThat(error.getString("error")).contains("at most " + LIMIT + ", " + PER_ADDRESS + " from one address");
        assertThat(limit().refusedTotal()).isEqualTo(refusedBefore + 1);
        assertThat(live("127.0.0.3").status()).isEqualTo(200);

        held.remove(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> live("127.0.0.2").status() == 200);
        String metrics = hub.client().get("/metrics").body();
        assertThat(metrics).contains("datenhafen_http_connections_refused_total " + (refusedBefore + 1) + ".0");
    }

    @Test
    void beyondTheHubsLimitWithEveryConnectionInTheMiddleOfARequestEveryAddressIsRefusedUntilOneCloses()
        throws Exception {
        for (int a = 4; limit().open() < LIMIT; a++) {
            for (int i = 0; i < PER_ADDRESS && limit().open() < LIMIT; i++) {
                busy("127.0.0." + a);
            }
        }

        RawHttp.Answer refused = live("127.0.0.99");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(new JsonObject(refused.body()).getString("field")).isEqualTo("connection");
        held.remove(held.size() - 1).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> live("127.0.0.99").status() == 200);
    }

    @Test
    void beyondTheHubsLimitANewConnectionTakesThePlaceOfTheKeepAliveConnectionAskedLeastRecently() throws Exception {
        // the test client's own keep-alive connections, if any, were asked before all of this test's
        int olderIdle = limit().open();
        busy("127.0.0.50"); // in the middle of a request: never closed to make room, however long ago it asked
        for (int a = 51; limit().open() < LIMIT; a++) {
            for (int i = 0; i < PER_ADDRESS && limit().open() < LIMIT; i++) {
                hold("127.0.0." + a);
            }
        }
        Socket busy = held.get(0);
        Socket leastRecent = held.get(1);
        Socket second = held.get(2);
        Socket third = held.get(3);
        ask(second); // now asked more recently than every other held one
        long madeRoomBefore = limit().madeRoom();

        int newcomers = 0;
        do {
            assertThat(newcomers).as("closed in the order they were last asked").isLessThanOrEqualTo(olderIdle);
            hold("127.0.0." + (90 + newcomers)); // answered 200 at the full bound
            newcomers++;
        } while (!closedByTheHub(leastRecent, Duration.ofMillis(500)));
        hold("127.0.0.89");

        assertThat(closedByTheHub(third, Duration.ofSeconds(10))).as("the next least recently asked").isTrue();
        assertThat(limit().open()).isEqualTo(LIMIT);
        assertThat(limit().madeRoom()).isEqualTo(madeRoomBefore + newcomers + 1);
        ask(second); // still open
        assertThat(closedByTheHub(busy, Duration.ofMillis(200))).as("still waiting for its body").isFalse();
        RawHttp.Answer metrics = RawHttp.send(hub.port(), "", "GET /metrics HTTP/1.1", "Host: localhost",
            "Connection: close");
        assertThat(metrics.body()).contains("datenhafen_http_connections_idle_closed_total "
            + (madeRoomBefore + newcomers + 2) + ".0"); // the request for the metrics made room too
    }

    @Test
    void aRefusedConnectionThatSendsNothingIsClosedSoon() throws Exception {
        for (int i = 0; i < PER_ADDRESS; i++) {
            hold("127.0.0.20");
        }
        try (Socket silent = new Socket(InetAddress.getByName("127.0.0.1"), hub.port(),
            InetAddress.getByName("127.0.0.20"), 0)) {
            silent.setSoTimeout((int) (ConnectionLimit.REFUSED_GRACE.toMillis() * 5));
            long start = System.nanoTime();

            int read = silent.getInputStream().read();

            assertThat(read).as("the hub closed the refused connection").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(ConnectionLimit.REFUSED_GRACE.multipliedBy(4));
        }
    }

    @Test
    void aClientReconnectingBeyondItsShareHasAtMostTwoRefusedConnectionsWaitingAndTheRestClosedAtOnce()
        throws Exception {
        for (int i = 0; i < PER_ADDRESS; i++) {
            hold("127.0.0.30");
        }
        long refusedBefore = limit().refusedTotal();
        List<Socket> beyond = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                beyond.add(new Socket(InetAddress.getByName("127.0.0.1"), hub.port(),
                    InetAddress.getByName("127.0.0.30"), 0));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> limit().refusedTotal() == refusedBefore + 10);

            assertThat(limit().refusedWaiting()).isEqualTo(ConnectionLimit.REFUSED_PER_ADDRESS);
            for (Socket s : beyond) {
                s.setSoTimeout((int) ConnectionLimit.REFUSED_GRACE.multipliedBy(5).toMillis());
                assertThat(s.getInputStream().read()).as("closed by the hub").isEqualTo(-1);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> limit().refusedWaiting() == 0);
        } finally {
            for (Socket s : beyond) {
                s.close();
            }
        }
    }

    @Test
    void aCountedConnectionThatSendsNoRequestIsClosedAfterItsFirstRequestTime() throws Exception {
        int openBefore = limit().open();
        try (Socket silent = new Socket(InetAddress.getByName("127.0.0.1"), hub.port(),
            InetAddress.getByName("127.0.0.40"), 0)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> limit().open() == openBefore + 1);
            silent.setSoTimeout((int) ConnectionLimit.FIRST_REQUEST.multipliedBy(3).toMillis());
            long start = System.nanoTime();

            assertThat(silent.getInputStream().read()).as("closed by the hub").isEqualTo(-1);

            assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThan(ConnectionLimit.FIRST_REQUEST.minusSeconds(2));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> limit().open() == openBefore);
    }

    /** A connection from {@code from} that has had one request answered and stays open (keep-alive). */
    private void hold(String from) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), hub.port(), InetAddress.getByName(from), 0);
        held.add(s);
        ask(s);
    }

    /** One request on a held keep-alive connection, answered 200. */
    private static void ask(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String head = RawHttp.head(s.getInputStream());
        assertThat(head).startsWith("HTTP/1.1 200");
        int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        s.getInputStream().readNBytes(length);
    }

    /** Whether the hub closed {@code s} (it reads the end within {@code wait}); false when it stays open. */
    private static boolean closedByTheHub(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) wait.toMillis());
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    /**
     * A connection from {@code from} that has sent a request's head and 12,000 bytes of its body, and no more (enough
     * for a minute above the body's rate floor, {@code http.body-min-rate}).
     */
    private void busy(String from) throws IOException {
        int openBefore = limit().open();
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), hub.port(), InetAddress.getByName(from), 0);
        held.add(s);
        s.getOutputStream().write(("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + hub.client().adminToken() + "\r\nContent-Type: application/cloudevents-batch+json\r\n"
            + "Content-Length: 100000\r\n\r\n[" + " ".repeat(12_000)).getBytes(StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(10)).until(() -> limit().open() == openBefore + 1);
    }

    private static RawHttp.Answer live(String from) throws IOException {
        return RawHttp.sendFrom(InetAddress.getByName(from), hub.port(),
            "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(10));
    }

    private static ConnectionLimit limit() {
        return hub.hub().connections();
    }
}
