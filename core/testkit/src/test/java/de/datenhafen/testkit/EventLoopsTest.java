package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code http.event-loops}: the hub serves its connections on that many event loops, one socket for all of them, on a
 * free port (0) as on a fixed one, and a stop closes that socket. Which loop serves a request is seen through a route
 * the test adds to the hub's router, answering with its thread's name.
 */
class EventLoopsTest {

    private static final String PROBE = "/test/event-loop";
    private static final int CONNECTIONS = 4;

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().config(HubConfig.HTTP_EVENT_LOOPS, 2).build();

    @Test
    void twoEventLoopsServeConcurrentKeepAliveConnectionsOnBothLoops() throws IOException {
        hub.restart(Map.of(HubConfig.HTTP_EVENT_LOOPS, 2));

        Set<String> loops = loopsServing(hub.port());

        assertThat(loops).hasSizeGreaterThanOrEqualTo(2)
            .allSatisfy(name -> assertThat(name).matches("vert\\.x-eventloop-thread-\\d+"));
    }

    @Test
    void oneEventLoopServesEveryConnection() throws IOException {
        hub.restart(Map.of(HubConfig.HTTP_EVENT_LOOPS, 1));

        Set<String> loops = loopsServing(hub.port());

        assertThat(loops).hasSize(1).allSatisfy(name -> assertThat(name).matches("vert\\.x-eventloop-thread-\\d+"));
    }

    @Test
    void onAFixedPortTheLoopsShareTheSocketAndAStopClosesIt() throws IOException {
        int fixed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            fixed = probe.getLocalPort();
        }
        Map<String, Object> onFixed = new HashMap<>();
        onFixed.put(HubConfig.HTTP_EVENT_LOOPS, 2);
        onFixed.put(HubConfig.HTTP_PORT, fixed);
        hub.restart(onFixed);
        try {
            assertThat(hub.port()).isEqualTo(fixed);
            assertThat(loopsServing(fixed)).hasSizeGreaterThanOrEqualTo(2);
            HubClient.Response live = hub.client().get("/health/live");
            assertThat(live.status()).as(live.toString()).isEqualTo(200);
        } finally {
            onFixed.put(HubConfig.HTTP_PORT, null); // back to a free port for the other tests
            hub.restart(onFixed);
        }

        // every instance let go of the fixed port: it can be bound again
        try (ServerSocket again = new ServerSocket(fixed, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(fixed);
        }
    }

    /**
     * Opens {@value #CONNECTIONS} connections at once (the server hands them to its loops as they come), then sends two
     * requests on each, keeping it open: the names of the threads that answered. A connection stays on its loop.
     */
    private static Set<String> loopsServing(int port) throws IOException {
        hub.hub().httpApi().router().get(PROBE).order(-1)
            .handler(ctx -> ctx.response().end(Thread.currentThread().getName()));
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(30_000);
                sockets.add(s);
            }
            Set<String> loops = new LinkedHashSet<>();
            for (Socket s : sockets) {
                String first = probe(s);
                String second = probe(s);
                assertThat(second).as("the second request on one keep-alive connection").isEqualTo(first);
                loops.add(first);
            }
            return loops;
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** One GET of the probe on an open connection: the answer's body (the serving thread's name). */
    private static String probe(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + PROBE + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String head = readHead(in);
        assertThat(head).startsWith("HTTP/1.1 200");
        int length = -1;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        assertThat(length).as("Content-Length in %s", head).isPositive();
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        throw new IOException("the connection closed before the answer's head: " + head);
    }
}
