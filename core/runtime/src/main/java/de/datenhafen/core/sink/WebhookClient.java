package de.datenhafen.core.sink;

import de.datenhafen.core.bus.Hops;
import de.datenhafen.core.http.LogText;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of one webhook target: one signed POST per event, and the CloudEvents webhook validation handshake.
 *
 * <p><b>Where it connects.</b> Before each request the target's host is resolved and every address it has is checked
 * against the hub's {@link SinkAddressPolicy}; the request then goes to exactly the address that was checked
 * ({@link RequestOptions#setServer}), while the {@code Host} header, TLS's server name and the certificate's check
 * keep the URL's host name. So a DNS name cannot pass the check with a public address and be connected to at a private
 * one a moment later (rebinding). That is why this is Vert.x's HTTP client: the JDK's resolves the name itself, with no
 * way to give it the address, and connecting to an address in the URL instead would lose the host name for
 * {@code Host} (a header the JDK's client does not let callers set) and for TLS. The certificate is checked against
 * the JVM's trust store, or, for a target with a {@code caCertificate}, against that authority only.
 *
 * <p>One client per target, with its own pool of at most {@code concurrency} connections, so a hanging target holds no
 * connection another target needs; the client is asynchronous, so it holds no thread either: the delivering thread
 * (the subscription's, or the target's lanes) waits for the answer, at most the time-out and a second. Redirects are
 * not followed.
 *
 * <p><b>What it tells.</b> A failure's message (the dead letter's reason, an integration's or flow's
 * {@code lastError}, which a member's viewers read) names the status code and the target's host, never the answer's
 * body: the body, escaped and cut, goes to the hub's log at debug level only.
 */
final class WebhookClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookClient.class);
    /** How much of an answer's body is read: enough for the log, never a receiver's whole page. */
    static final int MAX_ANSWER = 4096;
    private static final int LOGGED_ANSWER = 200;
    private static final String USER_AGENT = "Datenhafen-Webhooks/1";

    private final WebhookTarget target;
    private final SinkAddressPolicy policy;
    private final HttpClient http;
    private final String host;
    private final int port;
    private final boolean https;
    private final String requestUri;

    /** An answer: its status, headers and at most {@value #MAX_ANSWER} bytes of its body. */
    private record Answer(int status, MultiMap headers, byte[] body) {
    }

    WebhookClient(WebhookTarget target, Vertx vertx, SinkAddressPolicy policy) {
        this.target = target;
        this.policy = policy;
        URI url = target.url();
        String h = url.getHost();
        this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        this.port = SinkAddressPolicy.port(url);
        this.https = "https".equalsIgnoreCase(url.getScheme());
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.requestUri = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        HttpClientOptions options = new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_1_1)
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, target.timeout().toMillis()))
            .setKeepAlive(true)
            .setKeepAliveTimeout(30)
            .setDecompressionSupported(false)
            .setVerifyHost(true);
        if (target.trust() != null) {
            // the target's own authority instead of the JVM's trust store; the host name is checked all the same
            options.setTrustOptions(TrustOptions.wrap(target.trust()));
        }
        this.http = vertx.createHttpClient(options,
            new PoolOptions().setHttp1MaxSize(Math.max(1, target.concurrency())));
    }

    /**
     * POSTs the event, signed; returns on a 2xx.
     *
     * @throws SinkException.Gone on 410
     * @throws SinkException on any other answer, a time-out, a connection that failed or an address the policy refuses
     */
    void post(SinkEvent event) throws InterruptedException {
        byte[] body;
        int hops = event.nextHops("webhook sink " + target.name());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.USER_AGENT, USER_AGENT);
        if (target.binary()) {
            body = event.data() == null ? new byte[0] : event.data();
            headers.add("ce-specversion", "1.0").add("ce-id", headerSafe(event.id()))
                .add("ce-source", headerSafe(event.source())).add("ce-type", headerSafe(event.type()))
                .add(Hops.CE_HEADER, Integer.toString(hops));
            if (event.subject() != null) {
                headers.add("ce-subject", headerSafe(event.subject()));
            }
            if (event.time() != null) {
                headers.add("ce-time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(event.time()));
            }
            if (event.data() != null) {
                headers.add(HttpHeaders.CONTENT_TYPE, event.contentType() == null ? "application/json"
                    : headerSafe(event.contentType()));
            }
        } else {
            body = event.structured(hops);
            headers.add(HttpHeaders.CONTENT_TYPE, "application/cloudevents+json; charset=utf-8");
        }
        String id = StandardWebhooks.webhookId(event.source(), event.id());
        long timestamp = Instant.now().getEpochSecond();
        headers.add("webhook-id", id).add("webhook-timestamp", Long.toString(timestamp))
            .add("webhook-signature", StandardWebhooks.signatureHeader(target.keys(), id, timestamp, body));
        Answer answer = send(HttpMethod.POST, headers, Buffer.buffer(body));
        int status = answer.status();
        if (status >= 200 && status < 300) {
            return;
        }
        logAnswer("POST", answer);
        if (status == 410) {
            throw new SinkException.Gone("webhook target " + target.name() + " answered 410 Gone for " + event
                + " (" + host + "): it wants no more events");
        }
        if (status >= 300 && status < 400) {
            throw new SinkException("webhook target " + target.name() + " answered " + status + " (" + host
                + "; redirects are not followed: set the url to where it points)");
        }
        throw new SinkException("webhook target " + target.name() + " answered " + status + " (" + host + ")");
    }

    /**
     * The CloudEvents webhook validation handshake: an {@code OPTIONS} with {@code WebHook-Request-Origin}; the
     * target must answer 2xx and allow the origin. Returns the rate the target allows, per second (0: any).
     *
     * @throws SinkException when the target does not allow delivery from {@code origin}
     */
    double handshake(String origin, double ratePerSecond) throws InterruptedException {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.USER_AGENT, USER_AGENT)
            .add("WebHook-Request-Origin", headerSafe(origin));
        if (ratePerSecond > 0) {
            headers.add("WebHook-Request-Rate", Long.toString(Math.max(1, Math.round(ratePerSecond * 60))));
        }
        Answer answer = send(HttpMethod.OPTIONS, headers, null);
        if (answer.status() < 200 || answer.status() >= 300) {
            logAnswer("OPTIONS", answer);
            throw new SinkException("webhook target " + target.name() + " refused the validation handshake with "
                + answer.status() + " (" + host + ")");
        }
        String allowed = answer.headers().get("WebHook-Allowed-Origin");
        if (allowed == null || !(allowed.trim().equals("*") || allowed.trim().equalsIgnoreCase(origin))) {
            throw new SinkException("webhook target " + target.name() + " did not allow deliveries from " + origin
                + " in the validation handshake (WebHook-Allowed-Origin: " + (allowed == null ? "missing"
                : shortened(headerSafe(allowed))) + ")");
        }
        String rate = answer.headers().get("WebHook-Allowed-Rate");
        rate = rate == null ? "*" : rate.trim();
        try {
            return rate.equals("*") ? 0 : Math.max(1, Long.parseLong(rate)) / 60.0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Checks where the target is, sends to that address and waits for the answer, its body included, at most the
     * time-out and a second: a receiver that sends its headers and then hangs holds the delivery no longer than one
     * that never answers.
     */
    private Answer send(HttpMethod method, MultiMap headers, Buffer body) throws InterruptedException {
        InetAddress address = checkedAddress();
        long timeout = target.timeout().toMillis();
        RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setSsl(https)
            .setURI(requestUri)
            // the address just checked, not the name again: Host, TLS's server name and its check keep the name
            .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
            .setFollowRedirects(false).setConnectTimeout(timeout).setIdleTimeout(timeout).setHeaders(headers);
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        Promise<Answer> done = Promise.promise();
        http.request(options).onComplete(made -> {
            if (made.failed()) {
                done.tryFail(made.cause());
                return;
            }
            HttpClientRequest request = made.result();
            sent.set(request);
            if (done.future().isComplete()) {
                request.reset(); // given up on while it waited for a connection: nothing goes out late
                return;
            }
            // set before the request goes out: called as the answer's head arrives, before any of its body, so the
            // body's handlers are in place in time (a handler set later may find an empty answer already ended)
            request.response(answered -> {
                if (answered.failed()) {
                    done.tryFail(answered.cause());
                } else {
                    read(answered.result(), done);
                }
            });
            (body == null ? request.end() : request.end(body)).onFailure(done::tryFail);
        });
        CompletableFuture<Answer> answer = done.future().toCompletionStage().toCompletableFuture();
        try {
            return answer.get(timeout + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            done.tryFail(e);
            reset(sent);
            throw timedOut(method);
        } catch (InterruptedException e) {
            done.tryFail(e);
            reset(sent);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
                throw timedOut(method);
            }
            if (cause instanceof ConnectException) {
                throw new SinkException("webhook target " + target.name() + " refused the connection ("
                    + target.shownUrl() + ")");
            }
            String tls = tlsProblem(cause, host, target.trust() != null);
            throw new SinkException("webhook target " + target.name() + " could not be reached ("
                + target.shownUrl() + "): " + (tls != null ? tls : cause.getMessage() == null
                ? cause.getClass().getSimpleName() : shortened(headerSafe(cause.getMessage()))));
        }
    }

    /**
     * Why TLS with the target failed, in words an admin can act on, or null when the failure was not TLS's. Netty's
     * outer exception says only "Failed to create SSL connection"; the reason is further down its causes.
     *
     * @param ownAuthority whether the target trusts its own {@code ca-certificate} rather than the JVM's trust store
     */
    static String tlsProblem(Throwable failure, String host, boolean ownAuthority) {
        CertificateException certificate = null;
        SSLException deepest = null;
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof CertificateException c && certificate == null) {
                certificate = c;
            }
            if (t instanceof SSLException e) {
                deepest = e;
            }
        }
        String said = certificate == null ? "" : String.valueOf(certificate.getMessage());
        if (said.startsWith("No subject alternative") || said.startsWith("No name matching")) {
            return "its TLS certificate is not for " + host;
        }
        if (said.contains("PKIX")) {
            return ownAuthority
                ? "its TLS certificate is not signed by the authority in the target's ca-certificate (which the hub "
                    + "trusts for it instead of its Java trust store)"
                : "its TLS certificate is not signed by an authority the hub trusts (the hub's Java trust store; a "
                    + "private authority's certificate goes in the target's ca-certificate, or an operator adds it "
                    + "for all targets with -Djavax.net.ssl.trustStore)";
        }
        if (deepest == null) {
            return null;
        }
        return "the TLS handshake failed ("
            + (deepest.getMessage() == null ? deepest.getClass().getSimpleName()
            : shortened(headerSafe(deepest.getMessage()))) + ")";
    }

    /** The address to connect to, resolved now and allowed by the policy. */
    private InetAddress checkedAddress() {
        try {
            return policy.resolve(host, port);
        } catch (SinkAddressPolicy.Refused e) {
            throw new SinkException("webhook target " + target.name() + " was not contacted (" + target.shownUrl()
                + "): " + e.reason());
        } catch (UnknownHostException e) {
            throw new SinkException("webhook target " + target.name() + " could not be reached ("
                + target.shownUrl() + "): its host name does not resolve");
        }
    }

    /** Reads the answer: status, headers, and at most {@value #MAX_ANSWER} bytes of the body (the rest is not read). */
    private static void read(HttpClientResponse response, Promise<Answer> done) {
        Buffer collected = Buffer.buffer();
        int status = response.statusCode();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(response.headers());
        response.handler(chunk -> {
            int room = MAX_ANSWER - collected.length();
            if (room > 0) {
                collected.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
            }
            if (collected.length() >= MAX_ANSWER
                && done.tryComplete(new Answer(status, headers, collected.getBytes()))) {
                response.request().reset(); // the rest is not wanted: the connection goes, not into the pool
            }
        });
        // a body cut off (a time-out, a closed connection) is still an answer: its status counts
        response.exceptionHandler(e -> done.tryComplete(new Answer(status, headers, collected.getBytes())));
        response.endHandler(v -> done.tryComplete(new Answer(status, headers, collected.getBytes())));
    }

    private static void reset(AtomicReference<HttpClientRequest> sent) {
        HttpClientRequest request = sent.get();
        if (request != null) {
            request.reset();
        }
    }

    private SinkException timedOut(HttpMethod method) {
        return new SinkException("webhook target " + target.name() + " did not answer the " + method.name()
            + " within " + target.timeout().toSeconds() + " s (" + target.shownUrl() + ")");
    }

    /** The answer's body in the hub's log (debug), escaped and cut: never in a message a member reads. */
    private void logAnswer(String method, Answer answer) {
        if (LOG.isDebugEnabled() && answer.body().length > 0) {
            String text = new String(answer.body(), 0, Math.min(answer.body().length, LOGGED_ANSWER),
                StandardCharsets.UTF_8);
            LOG.debug("Webhook target {} answered the {} with {}: {}{}", target.name(), method, answer.status(),
                LogText.escape(text), answer.body().length > LOGGED_ANSWER ? "..." : "");
        }
    }

    /** Control characters out, so nothing from outside can break a header or a log line. */
    private static String headerSafe(String s) {
        return s.replaceAll("[\\p{Cntrl}]", " ");
    }

    private static String shortened(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "WebhookClient[" + target.name() + " " + host.toLowerCase(Locale.ROOT) + ":" + port + "]";
    }
}
