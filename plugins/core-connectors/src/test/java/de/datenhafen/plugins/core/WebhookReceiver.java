package de.datenhafen.plugins.core;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP receiver on a free port of 127.0.0.1 that checks every delivery as a Standard Webhooks receiver does:
 * the {@code webhook-signature} must hold a {@code v1,} HMAC-SHA256 of {@code id.timestamp.body} under one of the
 * secrets it knows, and the timestamp must be within five minutes. A delivery with a wrong or missing signature is
 * answered 401 and counted, not recorded. What it answers otherwise is the test's {@link #answers} (by the number of
 * the request, from 1): a status, or {@link #HANG} to hold the request until the receiver stops.
 */
final class WebhookReceiver implements AutoCloseable {

    /** An answer that never comes (until {@link #close()}). */
    static final int HANG = -1;

    /** One verified delivery. */
    record Delivery(String webhookId, long timestamp, Map<String, List<String>> headers, byte[] body,
                    long receivedNanos, int answered) {

        JsonObject json() {
            return new JsonObject(new String(body, StandardCharsets.UTF_8));
        }

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** The CloudEvent's subject: from the structured body, or the ce-subject header in binary mode. */
        String subject() {
            String h = header("Ce-subject");
            return h != null ? h : json().getString("subject");
        }

        String eventId() {
            String h = header("Ce-id");
            return h != null ? h : json().getString("id");
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<byte[]> keys;
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    final List<Map<String, List<String>>> options = new CopyOnWriteArrayList<>();
    final Map<String, String> optionsAnswer = new ConcurrentHashMap<>();
    volatile IntFunction<Integer> answers = n -> 200;

    /** Starts a receiver that knows these secrets ({@code whsec_<base64>}). */
    WebhookReceiver(String... secrets) throws IOException {
        keys = new ArrayList<>();
        for (String s : secrets) {
            keys.add(Base64.getDecoder().decode(s.substring("whsec_".length())));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int refused() {
        return refused.get();
    }

    int requests() {
        return requests.get();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            byte[] body = readAll(x.getRequestBody());
            if (x.getRequestMethod().equals("OPTIONS")) {
                options.add(Map.copyOf(x.getRequestHeaders()));
                optionsAnswer.forEach((k, v) -> x.getResponseHeaders().add(k, v));
                x.sendResponseHeaders(200, -1);
                return;
            }
            String id = x.getRequestHeaders().getFirst("webhook-id");
            String ts = x.getRequestHeaders().getFirst("webhook-timestamp");
            String sig = x.getRequestHeaders().getFirst("webhook-signature");
            if (!verified(id, ts, sig, body)) {
                refused.incrementAndGet();
                x.sendResponseHeaders(401, -1);
                return;
            }
            int n = requests.incrementAndGet();
            int status = answers.apply(n);
            deliveries.add(new Delivery(id, Long.parseLong(ts), Map.copyOf(x.getRequestHeaders()), body,
                System.nanoTime(), status));
            if (status == HANG) {
                released.await();
                return;
            }
            byte[] answer = status >= 300 ? ("status " + status).getBytes(StandardCharsets.UTF_8) : new byte[0];
            x.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                x.getResponseBody().write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The Standard Webhooks check, written here from the specification, not taken from the hub. */
    private boolean verified(String id, String ts, String header, byte[] body) {
        if (id == null || ts == null || header == null) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(System.currentTimeMillis() / 1000 - timestamp) > 300) {
            return false;
        }
        for (byte[] key : keys) {
            byte[] expected = hmac(key, id, ts, body);
            for (String part : header.split(" ")) {
                if (part.startsWith("v1,") && MessageDigest.isEqual(expected,
                    Base64.getDecoder().decode(part.substring(3)))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The HMAC-SHA256 of {@code id.timestamp.body} under {@code key}, as the specification defines the signature: over
     * the body's bytes as sent, so a body that is not well-formed UTF-8 is signed as it goes out too.
     */
    static byte[] hmac(byte[] key, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
