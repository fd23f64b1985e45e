package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HubClientTest {

    /** Without the bound on the whole answer this test would wait for ever (here: until its own time-out). */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void givesUpOnAnAnswerWhoseBodyStopsComingNamingTheRequest() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread stalling = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"
                        + "only the first bytes").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    done.await();
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            }, "stalling-server");
            stalling.setDaemon(true);
            stalling.start();
            HubClient client = new HubClient(URI.create("http://127.0.0.1:" + server.getLocalPort()), null)
                .withTimeout(Duration.ofSeconds(2));
            long t0 = System.nanoTime();
            try {
                assertThatThrownBy(() -> client.get("/metrics"))
                    .isInstanceOf(UncheckedIOException.class)
                    .cause().isInstanceOf(HttpTimeoutException.class)
                    .hasMessage("no complete answer to GET http://127.0.0.1:" + server.getLocalPort()
                        + "/metrics within 2000 ms");
            } finally {
                done.countDown();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        }
    }
}
