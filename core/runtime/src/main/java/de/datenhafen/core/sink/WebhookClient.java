package de.datenhafen.core.sink;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side of one webhook target: one signed POST per event, and the CloudEvents webhook validation handshake.
 *
 * <p>Why the JDK's {@link HttpClient} and not Vert.x's: deliveries run on the subscription's own thread (and the
 * target's lane threads), which may block, and the JDK client gives a per-request time-out, no redirects
 * ({@link HttpClient.Redirect#NEVER}) and its own connection pool per target, so a hanging target holds no connection
 * or thread another target needs. One client per target.
 */
final class WebhookClient {

    /** How much of an answer's body is read: enough for an error message, never a receiver's whole page. */
    static final int MAX_ANSWER = 4096;
    private static final int SHOWN_ANSWER = 200;
    private static final String USER_AGENT = "Datenhafen-Webhooks/1";

    private final WebhookTarget target;
    private final HttpClient http;

    WebhookClient(WebhookTarget target) {
        this.target = target;
        this.http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(target.timeout())
            .build();
    }

    /**
     * POSTs the event, signed; returns on a 2xx.
     *
     * @throws SinkException.Gone on 410
     * @throws SinkException on any other answer, a time-out or a connection that failed
     */
    void post(SinkEvent event) throws InterruptedException {
        byte[] body;
        HttpRequest.Builder request = HttpRequest.newBuilder(target.url()).timeout(target.timeout())
            .header("User-Agent", USER_AGENT);
        if (target.binary()) {
            body = event.data() == null ? new byte[0] : event.data();
            request.header("ce-specversion", "1.0").header("ce-id", event.id()).header("ce-source", event.source())
                .header("ce-type", event.type());
            if (event.subject() != null) {
                request.header("ce-subject", headerSafe(event.subject()));
            }
            if (event.time() != null) {
                request.header("ce-time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(event.time()));
            }
            if (event.data() != null) {
                request.header("Content-Type", event.contentType() == null ? "application/json"
                    : event.contentType());
            }
        } else {
            body = event.structured();
            request.header("Content-Type", "application/cloudevents+json; charset=utf-8");
        }
        String id = StandardWebhooks.webhookId(event.source(), event.id());
        long timestamp = Instant.now().getEpochSecond();
        request.header("webhook-id", id).header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature", StandardWebhooks.signatureHeader(target.keys(), id, timestamp, body));
        HttpResponse<byte[]> answer = send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            "POST");
        int status = answer.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String shown = shown(answer.body());
        if (status == 410) {
            throw new SinkException.Gone("webhook target " + target.name() + " answered 410 Gone for " + event
                + ": it wants no more events" + shown);
        }
        if (status >= 300 && status < 400) {
            throw new SinkException("webhook target " + target.name() + " answered " + status + " (redirects are "
                + "not followed; set the url to where it points" + answer.headers().firstValue("Location")
                .map(l -> ": " + headerSafe(l)).orElse("") + ")");
        }
        throw new SinkException("webhook target " + target.name() + " answered " + status + shown);
    }

    /**
     * The CloudEvents webhook validation handshake: an {@code OPTIONS} with {@code WebHook-Request-Origin}; the
     * target must answer 2xx and allow the origin. Returns the rate the target allows, per second (0: any).
     *
     * @throws SinkException when the target does not allow delivery from {@code origin}
     */
    double handshake(String origin, double ratePerSecond) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.url()).timeout(target.timeout())
            .header("User-Agent", USER_AGENT).header("WebHook-Request-Origin", origin)
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
        if (ratePerSecond > 0) {
            request.header("WebHook-Request-Rate", Long.toString(Math.max(1, Math.round(ratePerSecond * 60))));
        }
        HttpResponse<byte[]> answer = send(request.build(), "OPTIONS");
        if (answer.statusCode() < 200 || answer.statusCode() >= 300) {
            throw new SinkException("webhook target " + target.name() + " refused the validation handshake with "
                + answer.statusCode() + shown(answer.body()));
        }
        String allowed = answer.headers().firstValue("WebHook-Allowed-Origin").orElse(null);
        if (allowed == null || !(allowed.trim().equals("*") || allowed.trim().equalsIgnoreCase(origin))) {
            throw new SinkException("webhook target " + target.name() + " did not allow deliveries from " + origin
                + " in the validation handshake (WebHook-Allowed-Origin: " + (allowed == null ? "missing"
                : headerSafe(allowed)) + ")");
        }
        String rate = answer.headers().firstValue("WebHook-Allowed-Rate").map(String::trim).orElse("*");
        try {
            return rate.equals("*") ? 0 : Math.max(1, Long.parseLong(rate)) / 60.0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Sends and waits for the answer, its body included, at most the time-out and a second: a receiver that sends
     * its headers and then hangs holds the delivery no longer than one that never answers.
     */
    private HttpResponse<byte[]> send(HttpRequest request, String method) throws InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, info -> new BoundedBody(MAX_ANSWER));
        try {
            return answer.get(target.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw timedOut(method);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw timedOut(method);
            }
            if (cause instanceof ConnectException) {
                throw new SinkException("webhook target " + target.name() + " refused the connection ("
                    + target.shownUrl() + ")");
            }
            throw new SinkException("webhook target " + target.name() + " could not be reached ("
                + target.shownUrl() + "): " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                : headerSafe(cause.getMessage())));
        }
    }

    private SinkException timedOut(String method) {
        return new SinkException("webhook target " + target.name() + " did not answer the " + method + " within "
            + target.timeout().toSeconds() + " s (" + target.shownUrl() + ")");
    }

    private static String shown(byte[] answer) {
        if (answer == null || answer.length == 0) {
            return "";
        }
        String text = new String(answer, 0, Math.min(answer.length, SHOWN_ANSWER), StandardCharsets.UTF_8);
        return ": " + headerSafe(text) + (answer.length > SHOWN_ANSWER ? "..." : "");
    }

    /** Control characters out, so nothing from outside can break a header or a log line. */
    private static String headerSafe(String s) {
        return s.replaceAll("[\\p{Cntrl}]", " ");
    }

    /** Collects at most {@code limit} bytes of an answer and cancels the rest. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteBuffer collected;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
            this.collected = ByteBuffer.allocate(limit);
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int n = Math.min(item.remaining(), collected.remaining());
                collected.put(item.slice().limit(n));
            }
            if (!collected.hasRemaining() && !result.isDone()) {
                subscription.cancel();
                done();
            }
        }

        @Override
        public void onError(Throwable e) {
            if (!result.isDone()) {
                done(); // a body cut off is still an answer; its status counts
            }
        }

        @Override
        public void onComplete() {
            done();
        }

        private void done() {
            byte[] out = new byte[collected.position()];
            collected.duplicate().flip().get(out);
            result.complete(out);
        }
    }
}
