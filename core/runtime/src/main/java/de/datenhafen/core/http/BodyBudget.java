package de.datenhafen.core.http;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.PayloadTooLargeException;
import de.datenhafen.api.RetryableException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * How many bytes of request bodies the hub holds in memory at once, over all requests ({@code http.body-memory}).
 *
 * <p>Each request has its own limit (16 MiB for {@code POST /api/v1/events}, {@code http.max-body} or the endpoint's
 * {@code maxBodySize} for a plugin route), but without a bound on their sum two dozen clients sending 15 MB batches at
 * once took a hub with a 256 MiB heap to {@code OutOfMemoryError} on its event loops, where it stopped answering
 * anything. A body's bytes are taken from the budget as they arrive (a slow client holds only what it sent) and given
 * back when its request ends, however it ends. A body that does not fit any more is refused with 503 and
 * {@code Retry-After}, the bytes it held are given back at once, and the rest of it is read and dropped; one announced
 * larger than a client's share is refused with 413 before it is read. One client address may hold a quarter of the
 * budget (at least 16 MiB, at most all of it), so a client that sends slowly, or many bodies at once, cannot take all
 * of it; an IPv6 client's share is its /64 network's ({@link ClientAddress#network}); behind a reverse proxy every
 * client has the proxy's address, and the share is the proxy's.
 *
 * <p>A body must keep coming: from {@link #RATE_GRACE} after its reading began, one that has arrived at fewer than
 * {@code http.body-min-rate} bytes a second on average (240 by default, as ASP.NET Core's Kestrel) is answered 408
 * with {@code Connection: close} and its connection closed. Without that floor a client sending a byte now and then
 * held its connection, and its share of the budget, until the idle time-out (5 minutes), and a few addresses doing so
 * kept the hub at its connection bound, since a connection in the middle of a request is never closed to make room.
 *
 * <p>The budget counts the bytes received. Parsing a body takes more (a batch of CloudEvents as objects 1.5 to 3 times
 * its size), which is why the default is an eighth of the maximum heap.
 */
public final class BodyBudget {

    /** The key under which {@link #handler} keeps the body it read in the request's context. */
    private static final String BODY = "datenhafen.body";

    /** The default budget: an eighth of the maximum heap, at least 16 MiB. */
    public static long defaultLimit() {
        return Math.max(16L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 8);
    }

    /** The lowest average rate of a body by default, in bytes a second (ASP.NET Core Kestrel's default). */
    public static final int DEFAULT_MIN_RATE = 240;
    /** How long a body may arrive at any pace before its average rate must reach the floor. */
    public static final Duration RATE_GRACE = Duration.ofSeconds(5);

    /** A client's default share of a budget of {@code limit} bytes: a quarter, at least 16 MiB, at most all of it. */
    public static long defaultShare(long limit) {
        return Math.min(limit, Math.max(limit / 4, 16L * 1024 * 1024));
    }

    private final long limit;
    private final long perClient;
    private final int minRate;
    private final Duration grace;
    private final AtomicLong held = new AtomicLong();
    /** Bytes held by each client address holding any; guarded by itself. */
    private final Map<String, Long> byClient = new HashMap<>();

    /** A budget of {@code limit} bytes, of which one client address may hold a quarter (at least 16 MiB). */
    public BodyBudget(long limit) {
        this(limit, defaultShare(limit));
    }

    /** A budget of {@code limit} bytes, of which one client address may hold {@code perClient}. */
    public BodyBudget(long limit, long perClient) {
        this(limit, perClient, DEFAULT_MIN_RATE, RATE_GRACE);
    }

    /**
     * A budget of {@code limit} bytes, of which one client address may hold {@code perClient}, for bodies that arrive
     * at {@code minRate} bytes a second or more on average once {@code grace} has passed (0: at any rate).
     */
    public BodyBudget(long limit, long perClient, int minRate, Duration grace) {
        if (limit < 1 || perClient < 1 || perClient > limit || minRate < 0 || grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("the body budget must be positive and a client's share within it, the "
                + "rate not negative and the grace positive, was " + limit + ", " + perClient + ", " + minRate + ", "
                + grace);
        }
        this.limit = limit;
        this.perClient = perClient;
        this.minRate = minRate;
        this.grace = grace;
    }

    public long limit() {
        return limit;
    }

    /** Bytes of request bodies held right now. */
    public long held() {
        return held.get();
    }

    /**
     * Takes {@code bytes} for {@code client} from the budget; or nothing, and the refusal's answer, when they do not
     * fit the whole budget or the client's share.
     */
    private RuntimeException take(String client, long bytes) {
        synchronized (byClient) {
            long now = held.get();
            if (now + bytes > limit) {
                return new RetryableException("the hub is holding as many request bodies in memory as it may "
                    + "(http.body-memory); try again shortly", Duration.ofSeconds(1));
            }
            long mine = byClient.getOrDefault(client, 0L);
            if (mine + bytes > perClient) {
                return new RetryableException("this client address is holding as many request bodies in memory as "
                    + "one may (" + perClient + " bytes of http.body-memory); try again when its other requests are "
                    + "answered", Duration.ofSeconds(1));
            }
            byClient.put(client, mine + bytes);
            held.set(now + bytes);
            return null;
        }
    }

    private void give(String client, long bytes) {
        synchronized (byClient) {
            long left = byClient.getOrDefault(client, 0L) - bytes;
            if (left > 0) {
                byClient.put(client, left);
            } else {
                byClient.remove(client);
            }
            held.addAndGet(-bytes);
        }
    }

    /**
     * Reads the request's body and hands it to {@code then} on the event loop; or answers 400 (a Content-Length that
     * is not a number), 413 (more than {@code max} bytes announced or sent, or more than a client's share announced,
     * with {@code Connection: close}) or 503 (the budget or the client's share is spent; {@code Connection: close}). A refused body is read
     * to its end and dropped: a client that writes its whole body before it reads the answer (many do) would otherwise
     * wait on a paused request and never see it. The bytes stay taken until the request ends.
     *
     * @param tooLarge the 413's exception, given the announced length (or -1 for a body sent without one)
     */
    public void read(RoutingContext ctx, long max, LongFunction<RuntimeException> tooLarge, Consumer<byte[]> then) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        long announced = -1;
        if (length != null) {
            try {
                announced = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                Errors.respond(ctx, new InvalidInputException("Content-Length is not a number", "Content-Length"));
                return;
            }
        }
        if (announced > max) {
            refuse(ctx, tooLarge.apply(announced));
            return;
        }
        if (announced > perClient) {
            refuse(ctx, new PayloadTooLargeException("the body has " + announced + " bytes; this hub holds at most "
                + perClient + " bytes of one client's request bodies in memory at once (http.body-memory)"));
            return;
        }
        String expect = request.version() == HttpVersion.HTTP_1_0 ? null : request.getHeader(HttpHeaders.EXPECT);
        if (expect != null && !expect.trim().equalsIgnoreCase("100-continue")) {
            // RFC 9110, 10.1.1: an expectation the server cannot meet is 417
            refuse(ctx, () -> Errors.respond(ctx, 417, "the hub meets no expectation but 100-continue", "Expect"));
            return;
        }
        if (request.isEnded()) {
            then.accept(new byte[0]);
            return;
        }
        if (expect != null) {
            // the client waits for this before it sends the body (curl does for larger uploads), as Vert.x's
            // BodyHandler did for it; a body refused above got its final answer instead
            ctx.response().writeContinue();
        }
        Reading reading = new Reading(ctx, ClientAddress.network(ClientAddress.of(request)), max, tooLarge, then);
        ctx.addEndHandler(v -> reading.release());
        request.handler(reading::chunk);
        request.exceptionHandler(reading::failed);
        request.endHandler(v -> reading.end());
        reading.watchRate();
        request.resume();
    }

    /**
     * A route's handler that reads the body through the budget ({@link #read}: more than {@code max} bytes is 413, a
     * spent budget 503) and then passes the request on to the route's next handler, which takes the body with {@link
     * #bodyOf}. In place of Vert.x's {@code BodyHandler}, which would hold the body outside the budget.
     */
    public Handler<RoutingContext> handler(long max) {
        return ctx -> read(ctx, max, announced -> new PayloadTooLargeException("the body has "
            + (announced < 0 ? "more than " + max : announced) + " bytes; this route takes at most " + max + " bytes",
            "body"), bytes -> {
                ctx.put(BODY, Buffer.buffer(bytes));
                ctx.next();
            });
    }

    /** The body {@link #handler} read for this request; empty when none was read. */
    public static Buffer bodyOf(RoutingContext ctx) {
        Buffer body = ctx.get(BODY);
        return body == null ? Buffer.buffer() : body;
    }

    /**
     * Answers {@code answer} without reading the body: what the client still sends is read and dropped, and the
     * connection is closed after the answer.
     */
    public static void refuseUnread(RoutingContext ctx, RuntimeException answer) {
        refuse(ctx, answer);
    }

    private static void refuse(RoutingContext ctx, RuntimeException answer) {
        refuse(ctx, () -> Errors.respond(ctx, answer));
    }

    private static void refuse(RoutingContext ctx, Runnable answer) {
        HttpServerRequest request = ctx.request();
        if (!request.isEnded()) {
            request.handler(chunk -> { }).resume();
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || (length != null && !length.trim().equals("0"))) {
                // a body comes: read to its end, but not kept for another request on this connection
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            }
        }
        answer.run();
    }

    /** One body being read: its chunks, and the bytes they took from the budget. All on the request's event loop. */
    private final class Reading {
        private final RoutingContext ctx;
        private final String client;
        private final long max;
        private final LongFunction<RuntimeException> tooLarge;
        private final Consumer<byte[]> then;
        private final List<Buffer> chunks = new ArrayList<>();
        private final long started = System.nanoTime();
        private long size; // received, and taken from the budget until release()
        private long received; // received in all
        private boolean refused;
        private boolean ended;
        private long rateTimer = -1;

        Reading(RoutingContext ctx, String client, long max, LongFunction<RuntimeException> tooLarge,
                Consumer<byte[]> then) {
            this.ctx = ctx;
            this.client = client;
            this.max = max;
            this.tooLarge = tooLarge;
            this.then = then;
        }

        void chunk(Buffer chunk) {
            if (refused) {
                return;
            }
            int n = chunk.length();
            if (size + n > max) {
                stop(tooLarge.apply(-1));
                return;
            }
            RuntimeException full = take(client, n);
            if (full != null) {
                stop(full);
                return;
            }
            size += n;
            received += n;
            chunks.add(chunk);
        }

        /** Checks the body's average rate once the grace has passed, and each second after, until it is read. */
        void watchRate() {
            if (minRate > 0) {
                rateTimer = ctx.vertx().setTimer(grace.toMillis(), this::checkRate);
            }
        }

        private void checkRate(long timer) {
            rateTimer = -1;
            if (refused || ended) {
                return;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (received >= minRate * seconds) {
                rateTimer = ctx.vertx().setTimer(1000, this::checkRate);
                return;
            }
            String message = String.format(java.util.Locale.ROOT, "the body came slower than %d bytes a second "
                + "(http.body-min-rate): %d bytes in %.1f s", minRate, received, seconds);
            release();
            // the rest of it is not waited for: the connection goes with the answer
            ctx.addEndHandler(v -> {
                if (ctx.request().connection() != null) {
                    ctx.request().connection().close();
                }
            });
            refuse(ctx, () -> Errors.respond(ctx, 408, message, "body"));
        }

        void failed(Throwable err) {
            if (!refused) {
                release();
                ctx.fail(err);
            }
        }

        void end() {
            ended = true;
            cancelRateTimer();
            if (refused) {
                return;
            }
            byte[] body;
            if (chunks.size() == 1) {
                body = HttpApi.bytesOf(chunks.get(0));
            } else {
                // one array of the body's size at the end, rather than a buffer grown by copying as chunks come
                body = new byte[(int) size];
                int at = 0;
                for (Buffer c : chunks) {
                    c.getBytes(body, at);
                    at += c.length();
                }
            }
            chunks.clear();
            then.accept(body);
        }

        private void stop(RuntimeException answer) {
            release();
            refuse(ctx, answer);
        }

        /**
         * Gives back what the body took; once, whichever of refusal, failure and the request's end comes first. A chunk
         * after it is dropped, so nothing is taken that no one would give back.
         */
        void release() {
            refused = true;
            cancelRateTimer();
            chunks.clear();
            if (size > 0) {
                give(client, size);
                size = 0;
            }
        }

        private void cancelRateTimer() {
            if (rateTimer >= 0) {
                ctx.vertx().cancelTimer(rateTimer);
                rateTimer = -1;
            }
        }
    }
}
