package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Under TLS, a connection beyond an address's share is refused like any other, and its 503 carries HSTS. */
class HttpsConnectionLimitTest {

    private static final Path DIR = TestDirs.create("https-connections");
    private static final TestCertificates CA = TestCertificates.newCa("Datenhafen Test CA");
    private static final TestCertificates.Issued SERVER = CA.issueServer(DIR, "hub");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(HubConfig.HTTP_TLS_CERT, SERVER.cert().toAbsolutePath().toString())
        .config(HubConfig.HTTP_TLS_KEY, SERVER.key().toAbsolutePath().toString())
        .config(HubConfig.HTTP_HSTS, "365d")
        .config(HubConfig.HTTP_MAX_CONNECTIONS_PER_ADDRESS, 1)
        .build();

    @Test
    void aSecondConnectionFromOneAddressIsAnswered503WithHsts() throws IOException {
        try (Socket first = tls("127.0.0.61"); Socket second = tls("127.0.0.61")) {
            String kept = get(first, "keep-alive");
            assertThat(kept).startsWith("HTTP/1.1 200");

            String refused = get(second, "close");

            assertThat(refused).startsWith("HTTP/1.1 503");
            assertThat(refused).containsIgnoringCase("strict-transport-security: max-age=31536000");
            assertThat(refused).contains("\"field\":\"connection\"");
        }
    }

    private static Socket tls(String from) throws IOException {
        Socket socket = CA.trustingOnlyThisCa().getSocketFactory().createSocket(InetAddress.getByName("localhost"),
            hub.hub().port(), InetAddress.getByName(from), 0);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code GET /health/live} and reads the answer's head and, with a length, its body. */
    private static String get(Socket socket, String connection) throws IOException {
        socket.getOutputStream().write(("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: " + connection
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String head = RawHttp.head(socket.getInputStream());
        int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        return head + new String(socket.getInputStream().readNBytes(length), StandardCharsets.UTF_8);
    }
}
