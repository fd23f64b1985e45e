package de.datenhafen.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP client for a hub under test: a base URL and, unless asked otherwise, the admin's bearer token on every
 * request. Answers are {@link Response}s with status, headers and body; an answer that is not complete within the
 * client's time-out (60 s unless set) is an {@link UncheckedIOException} naming the request.
 */
public final class HubClient {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String token;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HubClient(URI base, String token) {
        this(base, token, DEFAULT_TIMEOUT);
    }

    private HubClient(URI base, String token, Duration timeout) {
        this.base = base;
        this.token = token;
        this.timeout = timeout;
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

        /**
         * The {@code Set-Cookie} of cookie {@code name} as the answer sent it (attributes included), or null: an
         * answer may set several (a sign-in sets {@code dh_session} and {@code dh_device}).
         */
        public String setCookie(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap(e -> e.getValue().stream()).filter(c -> c.startsWith(name + "=")).findFirst().orElse(null);
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
        return new HubClient(base, null, timeout);
    }

    /** The same hub, with another bearer token. */
    public HubClient withToken(String other) {
        return new HubClient(base, other, timeout);
    }

    /** The same hub, waiting at most this long for a whole answer, its body included. */
    public HubClient withTimeout(Duration answerTimeout) {
        if (answerTimeout == null || answerTimeout.isNegative() || answerTimeout.isZero()) {
            throw new IllegalArgumentException("the time-out must be positive, was " + answerTimeout);
        }
        return new HubClient(base, token, answerTimeout);
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

    /** A PATCH, e.g. a JSON merge patch ({@code application/merge-patch+json}). */
    public Response patch(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType)
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A GET with extra headers (an organisation's token, Accept, Last-Event-ID). */
    public Response get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = request(path);
        headers.forEach(b::setHeader); // replaces the token's Authorization: the hub refuses it twice
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
        headers.forEach(b::setHeader); // replaces the token's Authorization: the hub refuses it twice
        return send(b.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Any method with a JSON body (PATCH, or a method a route does not have). */
    public Response send(String method, String path, JsonObject json) {
        return send(request(path).header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json.encode())));
    }

    /**
     * Any method with raw bytes as the body and exactly these headers (besides the token): no {@code Content-Type}
     * unless given, as {@code curl --data-binary} without {@code -H} sends it. A null body sends none.
     */
    public Response send(String method, String path, Map<String, String> headers, byte[] body) {
        return sendFrom(method, path, headers, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** The same with a body as it comes from {@code body} (in parts, held back, of a length it says or chunked). */
    public Response sendFrom(String method, String path, Map<String, String> headers, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = request(path);
        headers.forEach(b::setHeader); // replaces the token's Authorization: the hub refuses it twice
        return send(b.method(method, body));
    }

    /** Uploads a plugin archive: {@code POST /api/v1/admin/plugins}. */
    public Response installPlugin(Path archive, boolean enable) {
        return installPlugin(archive, enable ? "enable=true" : null);
    }

    /** Uploads a plugin archive with this query string (e.g. {@code enable=true&owner=luftblick}), or none. */
    public Response installPlugin(Path archive, String query) {
        try {
            return send(request("/api/v1/admin/plugins" + (query == null ? "" : "?" + query))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(archive)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates an API token of {@code member} as this client's principal may ({@code POST
     * /api/v1/admin/members/{member}/tokens} with {@code name}, {@code roles} and a purpose) and returns its secret;
     * an {@link IllegalStateException} with the answer when the hub refuses.
     */
    public String memberToken(String member, String name, String... roles) {
        return memberToken(member, new JsonObject().put("name", name)
            .put("roles", new JsonArray(java.util.List.of((Object[]) roles))).put("purpose", "test"));
    }

    /** The same, with the whole token request (a scope, an expiry). */
    public String memberToken(String member, JsonObject request) {
        Response r = post("/api/v1/admin/members/" + member + "/tokens", request);
        if (r.status() != 201) {
            throw new IllegalStateException("token " + request.getString("name") + " of " + member + ": " + r);
        }
        return r.json().getString("token");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /**
     * Sends and waits for the whole answer. The request's own time-out ends only at the answer's headers; a body that
     * stops coming would block for ever, hence the bound on the whole exchange.
     */
    private Response send(HttpRequest.Builder b) {
        HttpRequest request = b.build();
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            HttpResponse<String> r = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new UncheckedIOException(new HttpTimeoutException("no complete answer to " + request.method() + " "
                + request.uri() + " within " + timeout.toMillis() + " ms"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
