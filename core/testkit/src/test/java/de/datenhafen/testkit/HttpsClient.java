package de.datenhafen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Java's HTTP client for a hub that serves HTTPS on localhost, trusting only the given TLS context's authorities
 * ({@link HubClient} speaks plain HTTP). Answers are the JDK's, with the TLS session they came over.
 */
final class HttpsClient {

    private final HttpClient http;
    private final int port;

    HttpsClient(SSLContext trust, int port) {
        this.http = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
        this.port = port;
    }

    URI uri(String path) {
        return URI.create("https://localhost:" + port + path);
    }

    HttpResponse<String> get(String path, String token) {
        return send("GET", path, token, null, Map.of());
    }

    /** A request with a JSON body (or none, when {@code json} is null) and, when not null, a bearer token. */
    HttpResponse<String> send(String method, String path, String token, String json) {
        return send(method, path, token, json, json == null ? Map.of() : Map.of("Content-Type", "application/json"));
    }

    HttpResponse<String> send(String method, String path, String token, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).method(method,
            body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        }
    }
}
