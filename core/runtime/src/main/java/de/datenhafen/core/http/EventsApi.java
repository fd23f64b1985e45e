package de.datenhafen.core.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.PayloadTooLargeException;
import de.datenhafen.core.bus.AppendResult;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.NewEvent;
import de.datenhafen.core.bus.StoredEvent;
import io.cloudevents.CloudEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus over HTTP: {@code POST /api/v1/events} (CloudEvents in structured, batch or binary mode),
 * {@code GET /api/v1/events} (a page by sequence, with the cursor for the next) and
 * {@code GET /api/v1/events/stream} (server-sent events, live).
 *
 * <p>Decisions a reader may question:
 * <ul>
 *   <li>All three need the admin's bearer token for now; member tokens come later. Events posted with the admin
 *       token are owned by the member {@value #MEMBER}.</li>
 *   <li>A POST is answered 202 only when the log's append future completes, that is after the commit. A whole
 *       request is one append: all of a batch is checked first, and the log stores all or none.</li>
 *   <li>Parsing and reading run on the worker pool, never on the event loop; the append itself never blocks.</li>
 *   <li>{@code next} in a page is the last sequence returned when the page is full; when it is not, it is the
 *       log's last committed sequence as seen before the read, so a filtered reader does not scan the same
 *       non-matching events again.</li>
 *   <li>A stream reads a page at a time and reads the next only when the connection's write queue is not full:
 *       a slow client holds at most one page in memory. Commits wake streams up ({@link EventLog#onCommit}).</li>
 * </ul>
 */
final class EventsApi {

    private static final Logger LOG = LoggerFactory.getLogger(EventsApi.class);

    /** The member that owns events posted with the admin token. */
    static final String MEMBER = "hub";
    static final long MAX_BODY = 16L * 1024 * 1024;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int STREAM_PAGE = 256;
    static final long HEARTBEAT_MS = 15_000;

    private static final Pattern LOG_EVENT_INDEX = Pattern.compile("^event (\\d+): ");

    private final Vertx vertx;
    private final WorkerExecutor workers;
    private final EventLog log;
    private final Authentication auth;
    private final BodyBudget bodies;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

    EventsApi(Vertx vertx, WorkerExecutor workers, EventLog log, Authentication auth, BodyBudget bodies) {
        this.vertx = vertx;
        this.bodies = bodies;
        this.workers = workers;
        this.log = log;
        this.auth = auth;
    }

    void mount(Router router) {
        router.route("/api/v1/events*").handler(auth::handle);
        router.post("/api/v1/events").handler(ctx -> bodies.read(ctx, MAX_BODY, EventsApi::tooLarge,
            body -> post(ctx, body)));
        router.get("/api/v1/events").handler(this::list);
        router.get("/api/v1/events/stream").handler(this::stream);
    }

    /** Ends every open stream, so a stopping hub does not wait for them as in-flight requests. */
    void closeStreams() {
        for (Stream s : streams) {
            s.context.runOnContext(v -> s.end());
        }
    }

    // ---- POST /api/v1/events

    private void post(RoutingContext ctx, byte[] bytes) {
        MultiMap headers = ctx.request().headers();
        String mode = CloudEventsCodec.mode(headers);
        if (mode == null) {
            Errors.respond(ctx, new HttpException(415, "send one event as " + CloudEventsCodec.STRUCTURED
                + ", several as " + CloudEventsCodec.BATCH + ", or one in binary mode with ce-specversion, "
                + "ce-id, ce-source and ce-type headers"));
            return;
        }
        Context context = vertx.getOrCreateContext();
        // on a worker, not the event loop: parsing there made the hub's then single event loop the bottleneck
        // (docs/benchmarks.md, issue 17: tried, slower, undone; not tried again since HTTP has several loops)
        workers.executeBlocking(() -> parse(mode, headers, bytes), false)
            .compose(events -> events.isEmpty() ? Future.succeededFuture(accepted(events, List.of()))
                : Future.fromCompletionStage(
                    log.append(events.stream().map(e -> new NewEvent(e, MEMBER)).toList()), context)
                .map(results -> accepted(events, results)))
            .onSuccess(json -> ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                .end(json))
            .onFailure(err -> Errors.respond(ctx, inBatch(unwrap(err), mode)));
    }

    private static RuntimeException tooLarge(long announced) {
        return new PayloadTooLargeException("the body has " + (announced < 0 ? "more than " + MAX_BODY : announced)
            + " bytes; this hub takes at most " + MAX_BODY + " bytes (16 MB) per request");
    }

    private static List<CloudEvent> parse(String mode, MultiMap headers, byte[] body) {
        return switch (mode) {
            case CloudEventsCodec.STRUCTURED -> List.of(CloudEventsCodec.structured(body));
            case CloudEventsCodec.BATCH -> CloudEventsCodec.batch(body);
            default -> List.of(CloudEventsCodec.binary(headers, body));
        };
    }

    /**
     * The answer to a POST: id, source, sequence and duplicate of each event. Written straight with a generator (on
     * the event loop): as a tree it was a fifth of the event loop's time for batches of 100. Straight in UTF-8 too,
     * as text first it cost another copy. Straight into the buffer that is sent, too: through a byte array it was
     * made three times (the builder's block, its array, the buffer's copy of that).
     */
    private static Buffer accepted(List<CloudEvent> events, List<AppendResult> results) {
        ByteBuf bytes = Unpooled.buffer(64 + 96 * events.size());
        try (JsonGenerator g = CloudEventsCodec.utf8Generator(new ByteBufOutputStream(bytes))) {
            g.writeStartObject();
            g.writeArrayFieldStart("events");
            for (int i = 0; i < events.size(); i++) {
                CloudEvent e = events.get(i);
                AppendResult r = results.get(i);
                g.writeStartObject();
                g.writeStringField("id", e.getId());
                g.writeStringField("source", e.getSource().toString());
                g.writeNumberField("sequence", r.sequence());
                g.writeBooleanField("duplicate", r.duplicate());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a heap buffer does not fail
        }
        return Buffer.buffer(bytes);
    }

    /**
     * The log checks attribute lengths and names the event by its index in the message ("event 3: source ...");
     * in a batch the field then says which event, as our own checks do ({@code [3].source}).
     */
    private static Throwable inBatch(Throwable err, String mode) {
        if (err instanceof InvalidInputException e && CloudEventsCodec.BATCH.equals(mode) && e.field() != null
            && !e.field().startsWith("[")) {
            Matcher m = LOG_EVENT_INDEX.matcher(String.valueOf(e.getMessage()));
            if (m.find()) {
                return new InvalidInputException(e.getMessage(), "[" + m.group(1) + "]." + e.field());
            }
        }
        return err;
    }

    private static Throwable unwrap(Throwable err) {
        while (err instanceof CompletionException && err.getCause() != null) {
            err = err.getCause();
        }
        return err;
    }

    // ---- GET /api/v1/events

    private void list(RoutingContext ctx) {
        MultiMap q = ctx.queryParams();
        EventFilter filter;
        long after;
        int limit;
        try {
            filter = filter(q);
            after = sequence(q.get("after"), "after", 0);
            limit = limit(q.get("limit"));
        } catch (InvalidInputException e) {
            Errors.respond(ctx, e);
            return;
        }
        workers.executeBlocking(() -> page(filter, after, limit), false)
            .onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json").end(json))
            .onFailure(err -> Errors.respond(ctx, err));
    }

    /** One page ({@link EventPage}) as JSON. */
    private Buffer page(EventFilter filter, long after, int limit) {
        EventPage page = EventPage.read(log, filter, after, limit);
        ObjectNode root = CloudEventsCodec.mapper().createObjectNode();
        ArrayNode out = root.putArray("events");
        for (StoredEvent e : page.events()) {
            out.addObject().put("sequence", e.sequence()).put("member", e.member())
                .set("event", CloudEventsCodec.toJson(e.event()));
        }
        root.put("next", page.next());
        return Buffer.buffer(root.toString());
    }

    private static EventFilter filter(MultiMap q) {
        List<String> patterns = new ArrayList<>();
        for (String value : q.getAll("type")) {
            for (String p : value.split(",")) {
                if (!p.isBlank()) {
                    patterns.add(p.trim());
                }
            }
        }
        try {
            return new EventFilter(patterns, q.get("subject"));
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.getMessage(), "type");
        }
    }

    private static long sequence(String value, String field, long absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v < 0) {
                throw new InvalidInputException(field + " must be a sequence number (0 or more), was " + value, field);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(field + " must be a sequence number (0 or more), was '" + value + "'",
                field);
        }
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= 1 && v <= MAX_LIMIT) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidInputException("limit must be a whole number from 1 to " + MAX_LIMIT + ", was '" + value
            + "'", "limit");
    }

    // ---- GET /api/v1/events/stream

    private void stream(RoutingContext ctx) {
        MultiMap q = ctx.queryParams();
        EventFilter filter;
        long after;
        try {
            filter = filter(q);
            String lastEventId = ctx.request().getHeader("Last-Event-ID");
            after = lastEventId != null && !lastEventId.isBlank()
                ? sequence(lastEventId, "Last-Event-ID", 0)
                : sequence(q.get("after"), "after", log.lastSequence());
        } catch (InvalidInputException e) {
            Errors.respond(ctx, e);
            return;
        }
        ctx.response().setChunked(true)
            .putHeader("Content-Type", "text/event-stream; charset=utf-8")
            .putHeader("Cache-Control", "no-cache")
            // compression would hold messages back in the compressor; an event stream must flush each one
            .putHeader("Content-Encoding", "identity")
            .putHeader("X-Accel-Buffering", "no");
        new Stream(ctx.response(), filter, after, auth.stillLetOn(ctx)).start();
    }

    /**
     * One client's live stream. Its fields are touched only on its event loop ({@link #context}). Its credentials are
     * asked again before each page and at each heartbeat ({@link Authentication#stillLetOn}): a stream opened with a
     * token that is then revoked, or by a person whose user is disabled or member suspended, ends there and then, and
     * nothing committed after that reaches it (it had gone on for as long as the connection stayed open).
     */
    private final class Stream {
        final Context context = vertx.getOrCreateContext();
        private final HttpServerResponse response;
        private final EventFilter filter;
        private final AtomicBoolean wakeUpQueued = new AtomicBoolean();
        private final java.util.function.BooleanSupplier stillLetOn;
        private final LongConsumer onCommit = this::wakeUp;
        private long cursor;
        private boolean reading;
        private boolean closed;
        private long heartbeat = -1;

        Stream(HttpServerResponse response, EventFilter filter, long after,
               java.util.function.BooleanSupplier stillLetOn) {
            this.response = response;
            this.filter = filter;
            this.cursor = after;
            this.stillLetOn = stillLetOn;
        }

        void start() {
            streams.add(this);
            response.closeHandler(v -> close());
            response.exceptionHandler(err -> close());
            log.onCommit(onCommit);
            heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> {
                if (closed) {
                    return;
                }
                workers.executeBlocking(stillLetOn::getAsBoolean, false).onComplete(ar -> {
                    if (closed) {
                        return;
                    }
                    if (ar.failed() || !ar.result()) {
                        endLetGo();
                    } else if (!response.writeQueueFull()) {
                        response.write(": heartbeat\n\n");
                    }
                });
            });
            // sends the headers now, so the client knows the stream is open before the first event
            response.write(": events after " + cursor + "\n\n");
            pump();
        }

        /** Called on the log's writer thread: hand on to the event loop, once per burst of commits. */
        private void wakeUp(long lastSequence) {
            if (wakeUpQueued.compareAndSet(false, true)) {
                context.runOnContext(v -> {
                    wakeUpQueued.set(false);
                    pump();
                });
            }
        }

        private void pump() {
            if (closed || reading) {
                return;
            }
            if (response.writeQueueFull()) {
                response.drainHandler(v -> pump());
                return;
            }
            if (cursor >= log.lastSequence()) {
                return;
            }
            reading = true;
            long from = cursor;
            workers.executeBlocking(() -> read(from), false).onComplete(ar -> {
                reading = false;
                if (closed) {
                    return;
                }
                if (ar.failed()) {
                    LOG.warn("Event stream stopped: cannot read the log after {}: {}", from, ar.cause().toString());
                    end();
                    return;
                }
                Page page = ar.result();
                if (page == null) {
                    endLetGo();
                    return;
                }
                if (page.text().length() > 0) {
                    response.write(page.text());
                }
                cursor = page.next();
                pump();
            });
        }

        /** The events after {@code from}, or null when the stream's credentials no longer let it on. */
        private Page read(long from) {
            if (!stillLetOn.getAsBoolean()) {
                return null;
            }
            EventPage page = EventPage.read(log, filter, from, STREAM_PAGE); // its scan bounded as a page's
            Buffer text = Buffer.buffer();
            for (StoredEvent e : page.events()) {
                text.appendString("id: ").appendString(Long.toString(e.sequence()))
                    .appendString("\nevent: ").appendString(e.event().getType().replaceAll("[\r\n]", " "))
                    .appendString("\ndata: ").appendString(CloudEventsCodec.toJson(e.event()).toString(),
                        StandardCharsets.UTF_8.name())
                    .appendString("\n\n");
            }
            return new Page(text, page.next());
        }

        /** Ends the stream whose credentials no longer let it on, telling the client why in a comment line. */
        private void endLetGo() {
            if (!closed && !response.ended() && !response.closed()) {
                response.write(": the stream's credentials no longer let it on (revoked, expired, signed out or "
                    + "suspended)\n\n");
            }
            end();
        }

        void end() {
            if (closed) {
                return;
            }
            close();
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        }

        private void close() {
            if (closed) {
                return;
            }
            closed = true;
            log.removeOnCommit(onCommit);
            vertx.cancelTimer(heartbeat);
            streams.remove(this);
        }
    }

    private record Page(Buffer text, long next) {
    }
}
