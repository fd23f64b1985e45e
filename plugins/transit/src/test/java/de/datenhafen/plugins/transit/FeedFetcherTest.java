package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads on a real local server: redirects checked hop by hop, credentials kept home, bodies bounded. */
class FeedFetcherTest {

    @TempDir
    Path dir;
    private HttpServer server;
    private HttpServer other;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/feed", ex -> answer(ex, 200, "feed-bytes", Map.of("ETag", "\"v1\"")));
        server.createContext("/big", ex -> answer(ex, 200, "x".repeat(2000), Map.of()));
        server.createContext("/missing", ex -> answer(ex, 404, "", Map.of()));
        server.createContext("/to-localhost", ex -> answer(ex, 302, "", Map.of("Location",
            "http://localhost:" + server.getAddress().getPort() + "/feed")));
        server.createContext("/to-other", ex -> answer(ex, 302, "", Map.of("Location",
            "http://127.0.0.1:" + other.getAddress().getPort() + "/feed")));
        server.createContext("/relative", ex -> answer(ex, 301, "", Map.of("Location", "/feed")));
        server.createContext("/loop", ex -> answer(ex, 307, "", Map.of("Location", "/loop")));
        other.createContext("/feed", ex -> answer(ex, 200, "other-bytes", Map.of()));
        server.start();
        other.start();
    }

    private void answer(com.sun.net.httpserver.HttpExchange ex, int status, String body, Map<String, String> headers)
        throws IOException {
        authorizations.add(ex.getLocalAddress().getPort() + " " + ex.getRequestHeaders().getFirst("Authorization"));
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        // the big body is sent chunked, without a Content-Length, so the limit must hold while it arrives
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : body.length() > 1000 ? 0 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
        other.stop(0);
    }

    private FeedFetcher fetcher(long maxBytes) {
        return new FeedFetcher(new SourcePolicy(dir, List.of("127.0.0.1")), "Bearer feed-secret",
            Duration.ofSeconds(10), maxBytes, "max-feed-mb");
    }

    private String get(String path) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fetcher(1000).get(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path), Map.of(), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void followsARedirectAndReturnsTheBodyWithItsValidators() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FeedFetcher.Result r = fetcher(1000).get(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
            + "/relative"), Map.of(), out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("feed-bytes");
        assertThat(r.validators()).containsEntry("etag", "\"v1\"");
    }

    @Test
    void aRedirectToAHostThePolicyRefusesIsRefused() {
        assertThatThrownBy(() -> get("/to-localhost")).isInstanceOf(SourcePolicy.Refused.class)
            .hasMessage("source host localhost is not on allowed-hosts");
    }

    @Test
    void theAuthorizationGoesOnlyToTheSourcesOwnOrigin() throws IOException {
        assertThat(get("/to-other")).isEqualTo("other-bytes");
        assertThat(authorizations).containsExactly(server.getAddress().getPort() + " Bearer feed-secret",
            other.getAddress().getPort() + " null");
    }

    @Test
    void aBodyPastTheLimitIsRefusedWhileItArrives() {
        assertThatThrownBy(() -> get("/big")).isInstanceOf(SourcePolicy.Refused.class)
            .hasMessage("the feed is larger than 1000 bytes (max-feed-mb)");
    }

    @Test
    void endlessRedirectsAndErrorAnswersSayWhatTheServerDid() {
        assertThatThrownBy(() -> get("/loop")).hasMessage("the feed's server at 127.0.0.1 redirected more than 5 "
            + "times");
        assertThatThrownBy(() -> get("/missing")).hasMessage("the feed's server at 127.0.0.1 answered 404");
    }

    @Test
    void aClosedPortReadsAsACouldNotFetchWithoutTheReason() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        assertThatThrownBy(() -> fetcher(1000).get(URI.create("http://127.0.0.1:" + closed + "/feed"), Map.of(),
            new ByteArrayOutputStream())).isInstanceOf(IOException.class)
            .hasMessage("could not fetch the feed from 127.0.0.1");
    }
}
