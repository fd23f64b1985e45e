package de.datenhafen.core.http;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.core.bus.DeadLetter;
import de.datenhafen.core.bus.DeadLetterFilter;
import de.datenhafen.core.bus.DeadLetterStore;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.HubSubscriptions;
import de.datenhafen.core.bus.StoredEvent;
import de.datenhafen.core.bus.Subscription;
import de.datenhafen.core.bus.SubscriptionConsumers;
import de.datenhafen.core.bus.SubscriptionStore;
import de.datenhafen.core.flow.FlowManager;
import io.cloudevents.CloudEvent;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The admin API for subscriptions and dead letters, under {@code /api/v1/admin}. Work runs on the admin pool.
 *
 * <p>Decisions a reader may question:
 * <ul>
 * <li><b>Lag</b> is the number of events after the cursor that match the subscription's filter, counted in the
 * database and capped at {@value #LAG_CAP} ({@code lagCapped} says when the cap was hit). {@code headSequence} minus
 * {@code cursor} is given beside it for a cheap, filter-blind figure. The worker moves the cursor over events that
 * do not match, so the count stays a short range scan for a subscription that keeps up.</li>
 * <li><b>Deleting a subscription that a running integration consumes is refused with 409</b>, naming the
 * integration: stopping someone's integration as a side effect of a delete is a surprise, and deleting the cursor
 * under a running consumer would only make it come back at the log's end.</li>
 * <li><b>Replaying a dead letter needs a running consumer</b>; without one the answer is 409, saying so, and
 * nothing changes. Queueing replays in the database would hide the fact that nobody is listening. A replay is one
 * attempt, on the admin's thread, between the worker's own deliveries: success deletes the dead letter, failure
 * keeps it with one more attempt and the new error (200 in both cases, {@code delivered} says which). A replay
 * delivers out of the subject's order, by nature.</li>
 * </ul>
 */
final class SubscriptionsApi {

    static final int LAG_CAP = 100_000;
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final WorkerExecutor workers;
    private final HubSubscriptions subscriptions;
    private final SubscriptionStore store;
    private final DeadLetterStore deadLetters;
    private final EventLog log;

    /** The flows, whose own dead letters a member's people read and replay under {@code /flows/<name>/}. */
    private final FlowManager flows;

    SubscriptionsApi(WorkerExecutor workers, HubSubscriptions subscriptions, FlowManager flows) {
        this.workers = workers;
        this.flows = flows;
        this.subscriptions = subscriptions;
        this.store = subscriptions.store();
        this.deadLetters = subscriptions.deadLetterStore();
        this.log = subscriptions.log();
    }

    void mount(Router router, BodyBudget bodies) {
        Handler<RoutingContext> json = bodies.handler(64 * 1024);
        String base = "/api/v1/admin";
        router.get(base + "/subscriptions").handler(this::listSubscriptions);
        router.post(base + "/subscriptions").handler(json).handler(this::createSubscription);
        router.get(base + "/subscriptions/:name").handler(this::getSubscription);
        router.delete(base + "/subscriptions/:name").handler(this::deleteSubscription);
        router.post(base + "/subscriptions/:name/seek").handler(json).handler(this::seek);
        router.get(base + "/dead-letters").handler(this::listDeadLetters);
        router.post(base + "/dead-letters/replay").handler(json).handler(this::replayMatching);
        router.post(base + "/dead-letters/discard").handler(json).handler(this::discardMatching);
        router.post(base + "/dead-letters/:id/replay").handler(this::replayOne);
        router.delete(base + "/dead-letters/:id").handler(this::deleteOne);
        // a flow's own: for the people of its member too (FlowsApi.rules), who may not read the hub's
        router.get(base + "/flows/:name/dead-letters").handler(ctx -> listDeadLetters(ctx, ofFlow(ctx)));
        router.post(base + "/flows/:name/dead-letters/replay").handler(json)
            .handler(ctx -> replayMatching(ctx, ofFlow(ctx)));
        router.post(base + "/flows/:name/dead-letters/discard").handler(json)
            .handler(ctx -> discardMatching(ctx, ofFlow(ctx)));
    }

    /** The subscription of the flow the path names; null for a flow there is none of (answered 404). */
    private String ofFlow(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (flows.memberOf(name).isEmpty()) {
            Errors.respond(ctx, new NotFoundException("no flow '" + LogText.escape(name) + "'", "name"));
            return null;
        }
        return FlowManager.subscriptionOf(name);
    }

    // ---- subscriptions

    private void listSubscriptions(RoutingContext ctx) {
        work(ctx, 200, () -> new JsonArray(store.list().stream().map(this::view).toList()));
    }

    private void getSubscription(RoutingContext ctx) {
        work(ctx, 200, () -> view(subscription(ctx.pathParam("name"))));
    }

    private void createSubscription(RoutingContext ctx) {
        JsonObject body = AdminApi.jsonBody(ctx, "the subscription as {\"name\", \"types\", \"subjectPrefix\", \"from\"}");
        if (body == null) {
            return;
        }
        work(ctx, 201, () -> {
            String name = text(body, "name");
            SubscriptionStore.checkName(name);
            EventFilter filter = new EventFilter(types(body), text(body, "subjectPrefix"));
            long cursor = startCursor(body.getValue("from", "end"));
            HttpApi.auditNames(ctx, "name", name); // as the subscription's own routes name it
            return view(subscriptions.create(name, filter, cursor));
        });
    }

    private void deleteSubscription(RoutingContext ctx) {
        work(ctx, 204, () -> {
            String name = ctx.pathParam("name");
            subscription(name);
            Optional<SubscriptionConsumers.Attached> consumer = subscriptions.consumers().of(name);
            if (consumer.isPresent()) {
                throw new ConflictException("subscription '" + name + "' is consumed by " + who(consumer.get())
                    + "; stop or delete that first", "name");
            }
            if (!store.delete(name)) {
                throw notFound(name);
            }
            subscriptions.forget(name);
            return null;
        });
    }

    private void seek(RoutingContext ctx) {
        JsonObject body = AdminApi.jsonBody(ctx, "{\"sequence\": n} or {\"time\": \"2026-12-01T00:00:00Z\"}");
        if (body == null) {
            return;
        }
        work(ctx, 200, () -> {
            String name = ctx.pathParam("name");
            boolean bySequence = body.containsKey("sequence");
            boolean byTime = body.containsKey("time");
            if (bySequence == byTime) {
                throw new InvalidInputException("give either 'sequence' (the next sequence to deliver) or 'time' "
                    + "(ISO-8601), not both and not neither", bySequence ? "time" : "sequence");
            }
            subscription(name);
            if (bySequence) {
                Object v = body.getValue("sequence");
                if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1) {
                    throw new InvalidInputException("sequence must be an integer of 1 or more", "sequence");
                }
                // as for a new subscription's from: a cursor past the log's head skipped every event until the log
                // reached it, and showed a lag of 0 meanwhile
                long next = log.lastSequence() + 1;
                if (n.longValue() > next) {
                    throw new InvalidInputException("sequence must be at most " + next + " (the next sequence the log "
                        + "will assign), was " + n.longValue(), "sequence");
                }
                return view(subscriptions.seek(name, n.longValue()));
            }
            return view(subscriptions.seekToTime(name, instant(body.getValue("time"), "time")));
        });
    }

    private JsonObject view(Subscription s) {
        long cursor = subscriptions.position(s.name());
        long head = log.lastSequence();
        long lag = store.countAfter(s.filter(), cursor, LAG_CAP);
        Optional<SubscriptionConsumers.Attached> consumer = subscriptions.consumers().of(s.name());
        Optional<HubSubscriptions.CursorMove> moved = subscriptions.lastMove(s.name());
        return new JsonObject()
            .put("name", s.name())
            .put("types", new JsonArray(s.filter().typePatterns()))
            .put("subjectPrefix", s.filter().subjectPrefix())
            .put("cursor", cursor)
            .put("headSequence", head)
            .put("lag", lag)
            .put("lagCapped", lag >= LAG_CAP)
            .put("rate", consumer.map(c -> Math.round(c.worker().rate() * 1000) / 1000.0).orElse(0.0))
            .put("consumer", consumer.isPresent())
            .put("consumedBy", consumer.map(SubscriptionConsumers.Attached::integration).orElse(null))
            .put("node", subscriptions.deliveredBy(s.name()).orElse(null))
            .put("cursorMovedBy", moved.map(HubSubscriptions.CursorMove::node).orElse(null))
            .put("leaseToken", moved.map(HubSubscriptions.CursorMove::token).orElse(null))
            .put("deadLetters", deadLetters.count(DeadLetterFilter.ofSubscription(s.name())))
            .put("createdAt", Json.time(s.created()))
            .put("updatedAt", Json.time(s.updated()));
    }

    private long startCursor(Object from) {
        if ("end".equals(from)) {
            return log.lastSequence();
        }
        if ("beginning".equals(from)) {
            return 0;
        }
        if (from instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= 1) {
            long next = log.lastSequence() + 1;
            if (n.longValue() > next) {
                throw new InvalidInputException("from must be at most " + next + " (the next sequence the log will "
                    + "assign), was " + n.longValue(), "from");
            }
            return n.longValue() - 1;
        }
        throw new InvalidInputException("from must be \"end\", \"beginning\" or the first sequence to deliver (1 or "
            + "more)", "from");
    }

    private static List<String> types(JsonObject body) {
        Object v = body.getValue("types");
        if (!(v instanceof JsonArray a) || a.isEmpty()) {
            throw new InvalidInputException("types must be a non-empty array of event types or patterns such as "
                + "\"air.*\" (\"*\" for every type)", "types");
        }
        List<String> out = new ArrayList<>();
        for (Object t : a) {
            if (!(t instanceof String s)) {
                throw new InvalidInputException("types must contain strings only", "types");
            }
            out.add(s);
        }
        return out;
    }

    private Subscription subscription(String name) {
        return store.get(name).orElseThrow(() -> notFound(name));
    }

    private static NotFoundException notFound(String name) {
        return new NotFoundException("no subscription '" + name + "'", "name");
    }

    private static String who(SubscriptionConsumers.Attached consumer) {
        return consumer.integration() == null ? "a running route"
            : "the running integration '" + consumer.integration() + "'";
    }

    // ---- dead letters

    private void listDeadLetters(RoutingContext ctx) {
        listDeadLetters(ctx, ALL);
    }

    /**
     * {@code only}: the one subscription whose dead letters these are (a flow's), {@link #ALL} for any; null when the
     * request was answered already.
     */
    private void listDeadLetters(RoutingContext ctx, String only) {
        if (only == null) {
            return;
        }
        work(ctx, 200, () -> {
            long after = longParam(ctx, "after", 0, 0);
            int limit = (int) longParam(ctx, "limit", DEFAULT_PAGE, 1);
            if (limit > MAX_PAGE) {
                throw new InvalidInputException("limit must be at most " + MAX_PAGE + ", was " + limit, "limit");
            }
            // the same filter as replay and discard take in their body, here from the query (empty = not given)
            JsonObject given = new JsonObject();
            for (String key : List.of("subscription", "errorContains", "failedAfter", "failedBefore")) {
                String value = ctx.queryParams().get(key);
                if (value != null && !value.isEmpty()) {
                    given.put(key, value);
                }
            }
            DeadLetterFilter filter = filter(given, only);
            List<DeadLetter> page = deadLetters.list(filter, after, limit);
            JsonArray items = new JsonArray();
            page.forEach(d -> items.add(view(d)));
            return new JsonObject().put("deadLetters", items)
                .put("next", page.size() == limit ? page.get(page.size() - 1).id() : null);
        });
    }

    private void replayOne(RoutingContext ctx) {
        work(ctx, 200, () -> {
            long id = id(ctx);
            DeadLetter d = deadLetters.get(id).orElseThrow(() -> noDeadLetter(id));
            SubscriptionConsumers.Attached consumer = subscriptions.consumers().of(d.subscription())
                .orElseThrow(() -> new ConflictException("subscription '" + d.subscription() + "' has no running "
                    + "consumer to replay dead letter " + id + " to; start the integration that consumes it, then "
                    + "replay", "subscription"));
            return replay(d, consumer);
        });
    }

    /** One attempt: gone on success, one more attempt and the new error on failure. */
    private JsonObject replay(DeadLetter d, SubscriptionConsumers.Attached consumer) {
        StoredEvent event = event(d.eventSeq()).orElseThrow(() -> new ConflictException("event " + d.eventSeq()
            + " of dead letter " + d.id() + " is no longer in the log (retention removed it); discard the dead "
            + "letter", "id"));
        try {
            consumer.worker().replay(event);
        } catch (Exception e) {
            String error = e.getMessage() == null ? e.toString() : e.getMessage();
            DeadLetter now = deadLetters.recordFailure(d.id(), error).orElse(d);
            return new JsonObject().put("delivered", false).put("error", error).put("deadLetter", view(now));
        }
        deadLetters.delete(d.id());
        return new JsonObject().put("delivered", true).put("id", d.id());
    }

    private void replayMatching(RoutingContext ctx) {
        replayMatching(ctx, ALL);
    }

    private void replayMatching(RoutingContext ctx, String only) {
        JsonObject body = only == null ? null : AdminApi.jsonBody(ctx, FILTER);
        if (body == null) {
            return;
        }
        work(ctx, 200, () -> {
            DeadLetterFilter filter = filter(body, only);
            int delivered = 0;
            int failed = 0;
            int noConsumer = 0;
            int gone = 0;
            List<Long> ids = deadLetters.ids(filter);
            for (long id : ids) {
                Optional<DeadLetter> d = deadLetters.get(id);
                if (d.isEmpty()) {
                    continue; // replayed or discarded meanwhile
                }
                Optional<SubscriptionConsumers.Attached> consumer = subscriptions.consumers().of(d.get().subscription());
                if (consumer.isEmpty()) {
                    noConsumer++;
                    continue;
                }
                try {
                    if (replay(d.get(), consumer.get()).getBoolean("delivered")) {
                        delivered++;
                    } else {
                        failed++;
                    }
                } catch (ConflictException e) {
                    gone++;
                }
            }
            return new JsonObject().put("matched", ids.size()).put("delivered", delivered).put("failed", failed)
                .put("noConsumer", noConsumer).put("eventGone", gone);
        });
    }

    private void discardMatching(RoutingContext ctx) {
        discardMatching(ctx, ALL);
    }

    private void discardMatching(RoutingContext ctx, String only) {
        JsonObject body = only == null ? null : AdminApi.jsonBody(ctx, FILTER);
        if (body == null) {
            return;
        }
        work(ctx, 200, () -> new JsonObject().put("discarded", deadLetters.deleteMatching(filter(body, only))));
    }

    private void deleteOne(RoutingContext ctx) {
        work(ctx, 204, () -> {
            long id = id(ctx);
            if (!deadLetters.delete(id)) {
                throw noDeadLetter(id);
            }
            return null;
        });
    }

    private JsonObject view(DeadLetter d) {
        JsonObject event = event(d.eventSeq()).map(SubscriptionsApi::eventView)
            .orElse(new JsonObject().put("sequence", d.eventSeq()).put("gone", true));
        return new JsonObject()
            .put("id", d.id())
            .put("subscription", d.subscription())
            .put("event", event)
            .put("error", d.error())
            .put("attempts", d.attempts())
            .put("firstFailedAt", Json.time(d.firstFailed()))
            .put("lastFailedAt", Json.time(d.lastFailed()));
    }

    private static JsonObject eventView(StoredEvent s) {
        CloudEvent e = s.event();
        return new JsonObject()
            .put("sequence", s.sequence())
            .put("type", e.getType())
            .put("subject", e.getSubject())
            .put("source", e.getSource().toString())
            .put("id", e.getId())
            .put("time", e.getTime() == null ? null : e.getTime().toString())
            .put("member", s.member());
    }

    private Optional<StoredEvent> event(long sequence) {
        List<StoredEvent> found = log.read(EventFilter.ALL, sequence - 1, 1);
        return found.isEmpty() || found.get(0).sequence() != sequence ? Optional.empty() : Optional.of(found.get(0));
    }

    /** What a request on matching dead letters sends. */
    private static final String FILTER = "a filter as {\"subscription\", \"errorContains\", \"failedAfter\", "
        + "\"failedBefore\"} ({} matches every dead letter)";

    /** Any subscription's dead letters: the hub's own routes ({@code /dead-letters}). */
    private static final String ALL = "";

    /**
     * The filter of a request; {@code only} (not {@link #ALL}) is the subscription a flow's route is about, which a
     * {@code subscription} of the request may name again but not change.
     */
    private static DeadLetterFilter filter(JsonObject body, String only) {
        if (!only.isEmpty()) {
            Object named = body.getValue("subscription");
            if (named != null && !only.equals(named)) {
                throw new InvalidInputException("these are the dead letters of subscription " + only + " only; "
                    + "leave subscription out", "subscription");
            }
            body = body.copy().put("subscription", only);
        }
        for (String key : body.fieldNames()) {
            if (!List.of("subscription", "errorContains", "failedAfter", "failedBefore").contains(key)) {
                throw new InvalidInputException("'" + key + "' is not a filter field; known: subscription, "
                    + "errorContains, failedAfter, failedBefore", key);
            }
        }
        Object after = body.getValue("failedAfter");
        Object before = body.getValue("failedBefore");
        return new DeadLetterFilter(text(body, "subscription"), after == null ? null : instant(after, "failedAfter"),
            before == null ? null : instant(before, "failedBefore"), text(body, "errorContains"));
    }

    private static long id(RoutingContext ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("dead letter id must be a number, was '" + ctx.pathParam("id") + "'",
                "id");
        }
    }

    private static NotFoundException noDeadLetter(long id) {
        return new NotFoundException("no dead letter " + id, "id");
    }

    /** A JSON body's string field, or null; anything else is a 400 naming the field. */
    static String text(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v != null && !(v instanceof String)) {
            throw new InvalidInputException(field + " must be a string", field);
        }
        return (String) v;
    }

    private static Instant instant(Object value, String field) {
        return HttpApi.time(value instanceof String s ? s : "", field);
    }

    private static long longParam(RoutingContext ctx, String name, long fallback, long min) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new InvalidInputException(name + " must be an integer of " + min + " or more, was '" + v + "'", name);
    }

    private void work(RoutingContext ctx, int status, Callable<Object> task) {
        JsonReplies.work(workers, ctx, status, task);
    }
}
