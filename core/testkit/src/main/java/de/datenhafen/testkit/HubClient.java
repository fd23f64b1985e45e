package de.datenhafen.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * An HTTP client for a hub under test: a base URL and, unless asked otherwise, the admin's bearer token on every
 * request. Answers are {@link Response}s with status, headers and body.
 */
public final class HubClient {

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HubClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** An HTTP answer. */
    public record Response(int status, Map<String, java.util.List<String>> headers, String body) {

        public JsonObject json() {
            return new JsonObject(body);
        }

        public JsonArray jsonArray() {
            return new JsonArray(body);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public URI baseUri() {
        return base;
    }

    public String adminToken() {
        return token;
    }

    /** The same hub, without credentials. */
    public HubClient anonymous() {
        return new HubClient(base, null);
    }

    /** The same hub, with another bearer token. */
    public HubClient withToken(String other) {
        return new HubClient(base, other);
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Response put(String path, JsonObject json) {
        return put(path, "application/json", json.encode());
    }

    public Response put(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A GET with extra headers (an organisation's token, Accept, Last-Event-ID). */
    public Response get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = request(path);
        headers.forEach(b::header);
        return send(b.GET());
    }

    public Response post(String path, JsonObject json) {
        return post(path, "application/json", json.encode());
    }

    public Response post(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response post(String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Sends a request with custom headers (for binary-mode CloudEvents, for example). */
    public Response post(String path, Map<String, String> headers, String body) {
        HttpRequest.Builder b = request(path);
        headers.forEach(b::header);
        return send(b.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Uploads a plugin archive: {@code POST /api/v1/admin/plugins}. */
    public Response installPlugin(Path archive, boolean enable) {
        try {
            return send(request("/api/v1/admin/plugins" + (enable ? "?enable=true" : ""))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(archive)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
