package de.datenhafen.core.flow;

import com.fasterxml.jackson.databind.ObjectMapper;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.EndpointValues;
import de.datenhafen.core.bus.Hops;
import de.datenhafen.core.bus.PermanentFailure;
import de.datenhafen.core.bus.RetryPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.support.ExpressionAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a {@link Flow} to one Camel route (Java DSL): {@code bus:} in, then each block as a Camel processor,
 * filter, choice, split or aggregate whose expressions are JSONata closures ({@link Expression}), never a Camel
 * language. The data travels as the exchange property {@value #DATA} (parsed JSON); the event's attributes as the
 * bus headers. Endpoint URIs are written here, each option value URL-encoded, so nothing of the flow's text can add
 * an option or a placeholder.
 *
 * <p>Two modes, one compiled route: {@link #live} reads from the flow's subscription and writes to {@code bus:},
 * {@code webhook:} and {@code mqtt-out:}; {@link #dryRun} reads from {@code direct:} and hands what would be written
 * to a {@link Capture}, with delays and throttles skipped.
 */
final class FlowCompiler {

    static final String DATA = "datenhafen.flow.data";
    /** The source and id of the event an exchange came from, and its parts (split indexes), for output ids. */
    static final String ORIGIN = "datenhafen.flow.origin";
    /** The origin of the event as read; a part of a split or a collection has another {@link #ORIGIN}. */
    static final String READ_ORIGIN = "datenhafen.flow.readOrigin";
    /** The event's share of CPU time for its expressions ({@link EventBudget}). */
    static final String BUDGET = "datenhafen.flow.budget";
    /** The bytes of data (as JSON) an aggregate's collection holds, on its exchange ({@link AggregateMemory}). */
    private static final String HELD = "datenhafen.flow.held";
    /**
     * The bus sequences of the events a collection holds ({@link Collect}; a dry run's sample numbers): when the blocks
     * after its aggregate fail, these are the dead letters, as the subscription had delivered them when they came.
     */
    static final String COLLECTED = "datenhafen.flow.collected";
    /**
     * The bus sequence of the event the flow read (a dry run's sample number), kept apart from the header of that
     * name, which a {@code bus} block sets to the sequence of the event it wrote (a collection after one named the
     * copies as its dead letters, not the events the flow had read; a review).
     */
    private static final String SEQUENCE = "datenhafen.flow.sequence";
    /** When the blocks after an aggregate first failed for a collection, and how often they failed. */
    private static final String FIRST_FAILED = "datenhafen.flow.firstFailed";
    private static final String ATTEMPTS = "datenhafen.flow.attempts";
    static final String DRY_IN = "direct:flow-dry-run";

    private static final Logger LOG = LoggerFactory.getLogger("de.datenhafen.flow");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a dry run's outputs go to. */
    interface Capture {
        void bus(String type, String subject, Object data);

        void sink(Flow.Sink sink, String type, String subject, Object data);

        void log(String line);

        /** The blocks after an aggregate failed for a collection of these samples (their numbers). */
        void failed(java.util.Collection<Long> samples, String error);
    }

    /**
     * Where the events of a collection go when the blocks after its aggregate fail for good: the flow's dead letters
     * (its subscription's, by their bus sequences), replayable as any.
     */
    @FunctionalInterface
    interface CollectionFailures {
        void failed(java.util.Collection<Long> sequences, String error, int attempts, java.time.Instant firstFailed);
    }

    private final Flow flow;
    private final String name;
    private final String member;
    private final Capture capture;
    private final long eventCpuNanos;
    private final RetryPolicy retry;
    private final CollectionFailures collectionFailures;
    /**
     * The events this flow made dead letters of for a collection's failure since it last read them: the parts of a
     * split event go to several collections, and each failing one wrote the event again (three parts, three dead
     * letters; a replay then sent each through the split again, nine parts) and was retried on its own (a thousand
     * parts failing held the flow for their retries one after the other; a review).
     */
    private final DeadLettered deadLettered = new DeadLettered();
    /** Whether this thread delivers the flow's events (it read one): {@link Completions} runs collections on it. */
    private final ThreadLocal<Boolean> delivering = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final Map<Object, Expression> expressions = new IdentityHashMap<>();
    /**
     * Counted down when the running flow stops: its delays and throttles end their wait then and pass their event on,
     * as an aggregate completes early, so a stop is not held up to Camel's shutdown time-out by a sleeping event
     * (nine flows with a delay of 30 s, changed at once, held the flows' API and the health check for 17 s).
     */
    private final java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);
    /**
     * Where the flow's aggregates' complete collections go on ({@link Completions}): one for all of them, so a flow
     * holds at most one thread for its collections however many aggregates it has (each had its own: a flow of six
     * aggregates ran six, each able to take a core; a review).
     */
    private final Completions completions;

    private FlowCompiler(Flow flow, String name, String member, Capture capture, java.time.Duration eventCpu,
                         RetryPolicy retry, CollectionFailures collectionFailures) {
        this.flow = flow;
        this.name = name;
        this.member = member;
        this.capture = capture;
        this.eventCpuNanos = eventCpu.toNanos();
        this.retry = retry;
        this.collectionFailures = collectionFailures;
        this.completions = new Completions(name, delivering, stopping);
    }

    /**
     * The running flow's route, id {@code <name>.flow}, consuming through the subscription {@code flow.<name>}.
     *
     * @param member the member whose events alone the flow sees, or null for a hub-admin's flow (all events)
     * @param eventCpu the CPU time its expressions may take for one event, all together ({@link EventBudget})
     * @param retry how the blocks after an aggregate are retried for a collection (the bus's, as a subscription's)
     * @param collectionFailures where a collection's events go when those blocks fail for good
     */
    static Live live(Flow flow, String name, String member, java.time.Duration eventCpu, RetryPolicy retry,
                     CollectionFailures collectionFailures) {
        FlowCompiler compiler = new FlowCompiler(flow, name, member, null, eventCpu, retry, collectionFailures);
        return new Live(compiler.builder(), (completeHeld, within) -> {
            compiler.stopping.countDown();
            return compiler.completions.settle(completeHeld, within);
        });
    }

    /** A running flow's route, and what to call before the route is stopped ({@link Stop}). */
    record Live(RouteBuilder routes, Stop stop) {
    }

    /** A flow's stop, before its route is stopped. */
    interface Stop {
        /**
         * Ends its delays' and throttles' waits (they pass their event on at once), runs {@code completeHeld} (the
         * aggregates completing what they hold, {@code CamelHost#completeAggregates}) on the flow's collections thread
         * after the collections waiting there, and waits until all of them have gone on, at most {@code within};
         * whether they did (what has not is cut off by the route's stop and becomes its events' dead letters).
         */
        boolean before(Runnable completeHeld, java.time.Duration within);
    }

    /** The id of a flow's route. */
    static String routeId(String name) {
        return name + ".flow";
    }

    /** The same route for a dry run: from {@value #DRY_IN}, outputs to {@code capture}. */
    static RouteBuilder dryRun(Flow flow, String name, Capture capture, java.time.Duration eventCpu) {
        return new FlowCompiler(flow, name, null, capture, eventCpu, new RetryPolicy(1, java.time.Duration.ZERO,
            java.time.Duration.ZERO), (samples, error, attempts, firstFailed) -> capture.failed(samples, error))
            .builder();
    }

    /** The subscription a flow consumes through. */
    static String subscription(String name) {
        return "flow." + name;
    }

    private RouteBuilder builder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                if (capture != null) {
                    // a dry run's failure is its answer (DryRun reads it off the exchange); Camel's default handler
                    // would also log each one as an ERROR with its stack trace, once per sample of every request
                    errorHandler(defaultErrorHandler().logExhausted(false).logStackTrace(false));
                }
                // a collection's failure after its aggregate: the subscription delivered its events when they were
                // collected, so nobody would see this failure but Camel's log (the events were lost to the flow).
                // Retried here as a subscription retries, then its events are the flow's dead letters.
                // each wait as the policy's, with its jitter (retryCollection sets it for Camel's redelivery), so
                // collections that failed together do not meet their target again all at once
                onException(Exception.class).onWhen(x -> x.getProperty(COLLECTED) != null)
                    .retryWhile(FlowCompiler.this::retryCollection)
                    .handled(true).process(FlowCompiler.this::collectionFailed);
                ProcessorDefinition<?> route = from(capture == null ? busUri() : DRY_IN).routeId(routeId(name));
                if (member != null) {
                    // a member's flow sees only its member's events: the bus stores each event's owning member. Before
                    // the event is read: another member's event that cannot be read failed here, and its type,
                    // subject and id were this flow's dead letter, which the flow's member reads (a review)
                    route = route.filter(e -> member.equals(e.getIn().getHeader(BusHeaders.MEMBER, String.class)));
                }
                route = route.process(FlowCompiler.this::readEvent);
                append(route, flow.steps(), 0);
            }
        };
    }

    private String busUri() {
        StringBuilder uri = new StringBuilder("bus:").append(String.join(",", flow.from().types()))
            .append("?subscription=").append(raw(subscription(name)));
        if (flow.from().subjectPrefix() != null) {
            uri.append("&subjectPrefix=").append(raw(flow.from().subjectPrefix()));
        }
        return uri.toString();
    }

    /**
     * A value as Camel's {@code RAW(...)}, passed to the endpoint as it is ({@link EndpointValues#raw}): URL-encoded,
     * Camel decoded it once before it split the options, so a subject prefix or a secret holding {@code
     * %26exceptionHandler=#class:...} became an option of its own, and Camel made any class it named (a file
     * truncated, a socket opened). {@link FlowParser} refuses a value that cannot go so ({@link EndpointValues#problem}).
     */
    private static String raw(String value) {
        return EndpointValues.raw("a flow's value", value);
    }

    /** Appends {@code steps} from index {@code start}; a block that holds the rest (filter, split...) takes them. */
    private void append(ProcessorDefinition<?> def, List<Flow.Step> steps, int start) {
        for (int i = start; i < steps.size(); i++) {
            Flow.Step step = steps.get(i);
            if (step instanceof Flow.Filter f) {
                append(def.filter(predicate(f, f.expression())), steps, i + 1);
                return;
            } else if (step instanceof Flow.Choice c) {
                ChoiceDefinition choice = def.choice();
                for (Flow.When w : c.whens()) {
                    choice.when(predicate(w, w.expression()));
                    append(choice, w.steps(), 0);
                }
                if (!c.otherwise().isEmpty()) {
                    choice.otherwise();
                    append(choice, c.otherwise(), 0);
                }
                choice.end();
            } else if (step instanceof Flow.Transform t) {
                Expression e = expression(t, t.expression());
                def.process(x -> {
                    Object result = e.evaluate(data(x), attributes(x), budget(x));
                    Expression.json(result); // the size bound of an event's data
                    x.setProperty(DATA, result);
                });
            } else if (step instanceof Flow.Split s) {
                Expression e = expression(s, s.expression());
                ProcessorDefinition<?> split = def.split(new ExpressionAdapter() {
                    @Override
                    public Object evaluate(Exchange x) {
                        return parts(e.evaluate(data(x), attributes(x), budget(x)), s);
                    }
                }).stopOnException().process(x -> {
                    x.setProperty(DATA, x.getIn().getBody());
                    x.setProperty(ORIGIN, x.getProperty(ORIGIN, String.class) + "/"
                        + x.getProperty(Exchange.SPLIT_INDEX));
                });
                append(split, steps, i + 1);
                return;
            } else if (step instanceof Flow.Aggregate a) {
                ProcessorDefinition<?> agg = def.aggregate(new ExpressionAdapter() {
                    @Override
                    public Object evaluate(Exchange x) {
                        // never empty: Camel fails an empty key ("Invalid correlation key"), so an event without a
                        // subject never passed an aggregate
                        String subject = x.getIn().getHeader(BusHeaders.SUBJECT, String.class);
                        return subject == null ? "no subject" : "subject " + subject;
                    }
                }, new Collect()).completionSize(a.size()).completionTimeout(a.seconds() * 1000L)
                    .forceCompletionOnStop()
                    .executorService(completions);
                // complete by its size, a collection goes on on the thread of the event that completed it, within that
                // event's share of CPU (an aggregate of size 1 after a split must not give each part a share of its
                // own); complete by its time or at a stop it has a share of its own
                agg.process(x -> {
                    if (!"size".equals(x.getProperty(Exchange.AGGREGATED_COMPLETED_BY, String.class))) {
                        x.setProperty(BUDGET, new EventBudget(eventCpuNanos));
                    }
                });
                append(agg, steps, i + 1);
                return;
            } else if (step instanceof Flow.Throttle t) {
                if (capture == null) {
                    def.process(new Pace(t.perSecond(), stopping));
                }
            } else if (step instanceof Flow.Delay d) {
                if (capture == null && d.millis() > 0) {
                    def.process(x -> stopping.await(d.millis(), java.util.concurrent.TimeUnit.MILLISECONDS));
                }
            } else if (step instanceof Flow.Log l) {
                def.process(x -> log(l, x));
            } else if (step instanceof Flow.BusOut b) {
                busOut(def, b);
            } else if (step instanceof Flow.Sink s) {
                sink(def, s);
            }
        }
        if (def instanceof FilterDefinition && def.getOutputs().isEmpty()) {
            // a filter with no block after it that makes a step (none, or only a dry run's throttles and delays): its
            // events end there; Camel makes no route of a filter without a child ("Definition has no children")
            def.process(x -> { });
        }
    }

    private void busOut(ProcessorDefinition<?> def, Flow.BusOut b) {
        Expression subject = b.subjectExpression() == null ? null : expression(b, b.subjectExpression());
        def.process(x -> {
            Message in = x.getIn();
            Object data = data(x);
            String s = subject == null ? in.getHeader(BusHeaders.SUBJECT, String.class)
                : text(subject.evaluate(data, attributes(x), budget(x)));
            byte[] body = Expression.json(data);
            if (capture != null) {
                capture.bus(b.type(), s, data);
                return;
            }
            // an id made from the event it came from and the block: a redelivery writes the same event again, which
            // the bus drops as a duplicate
            in.setHeader(BusHeaders.ID, UUID.nameUUIDFromBytes((x.getProperty(ORIGIN, String.class) + "|" + b.path())
                .getBytes(StandardCharsets.UTF_8)).toString());
            in.setHeader(BusHeaders.SOURCE, "/flows/" + name);
            in.removeHeader(BusHeaders.TIME);
            in.setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
            if (s == null) {
                in.removeHeader(BusHeaders.SUBJECT);
            } else {
                in.setHeader(BusHeaders.SUBJECT, s);
            }
            in.setBody(body);
        });
        if (capture == null) {
            def.to("bus:" + b.type());
        }
    }

    private void sink(ProcessorDefinition<?> def, Flow.Sink s) {
        def.process(x -> {
            Object data = data(x);
            byte[] body = Expression.json(data);
            if (capture != null) {
                capture.sink(s, x.getIn().getHeader(BusHeaders.TYPE, String.class),
                    x.getIn().getHeader(BusHeaders.SUBJECT, String.class), data);
                return;
            }
            Message in = x.getIn();
            String origin = x.getProperty(ORIGIN, String.class);
            if (origin != null && !origin.equals(x.getProperty(READ_ORIGIN, String.class))) {
                // a part of a split or a collection: an id of its own, made from where it came from and the step as
                // a bus block's is (each part sent with its event's id had the same webhook-id, and a receiver took
                // the second as a replay of the first; an attacker's probe), the same again at a redelivery
                in.setHeader(BusHeaders.ID, UUID.nameUUIDFromBytes((origin + "|" + s.path())
                    .getBytes(StandardCharsets.UTF_8)).toString());
                in.setHeader(BusHeaders.SOURCE, "/flows/" + name);
            }
            in.setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
            in.setBody(body);
        });
        if (capture == null) {
            def.to(sinkUri(s));
        }
    }

    /**
     * The sink's Camel URI: {@code <kind>:<name>?<option>=RAW(<value>)&...}, in the sink's option order, each value
     * passed as it is ({@link #raw}); a certificate without the characters no URI carries (only its blocks are read).
     */
    static String sinkUri(Flow.Sink s) {
        StringBuilder uri = new StringBuilder(s.kind()).append(':').append(s.name());
        char sep = '?';
        for (Map.Entry<String, String> o : s.options().entrySet()) {
            String v = o.getValue();
            if (o.getKey().equals(FlowParser.CA_CERTIFICATE)) {
                // a tab or another control character fails the URI, even in RAW(...), with a message that quotes it
                // whole, secrets and all; outside the blocks' letters nothing counts
                v = EndpointValues.withoutUncarriable(v);
            }
            uri.append(sep).append(o.getKey()).append('=').append(raw(v));
            sep = '&';
        }
        return uri.toString();
    }

    /** The event's data from the bus message: parsed JSON, or text for other content. */
    private void readEvent(Exchange x) throws IOException {
        Message in = x.getIn();
        byte[] bytes = in.getBody(byte[].class);
        String contentType = in.getHeader(BusHeaders.DATA_CONTENT_TYPE, String.class);
        Object data;
        if (bytes == null || bytes.length == 0) {
            data = null;
        } else if (contentType == null || contentType.contains("json")) {
            data = JSON.readValue(bytes, Object.class);
        } else {
            data = new String(bytes, StandardCharsets.UTF_8);
        }
        x.setProperty(DATA, data);
        String origin = in.getHeader(BusHeaders.SOURCE, String.class) + " " + in.getHeader(BusHeaders.ID, String.class);
        x.setProperty(ORIGIN, origin);
        x.setProperty(READ_ORIGIN, origin);
        x.setProperty(BUDGET, new EventBudget(eventCpuNanos)); // a delivery again has its share again
        if (!delivering.get()) {
            delivering.set(Boolean.TRUE);
        }
        Long sequence = in.getHeader(BusHeaders.SEQUENCE, Long.class);
        if (sequence != null) {
            x.setProperty(SEQUENCE, sequence);
            deadLettered.forget(sequence); // read again (a replay): its collections' failures count anew
        }
    }

    private static Object data(Exchange x) {
        return x.getProperty(DATA);
    }

    private static EventBudget budget(Exchange x) {
        return x.getProperty(BUDGET, EventBudget.class);
    }

    private static Expression.Attributes attributes(Exchange x) {
        Message in = x.getIn();
        return new Expression.Attributes(in.getHeader(BusHeaders.TYPE, String.class),
            in.getHeader(BusHeaders.SUBJECT, String.class), in.getHeader(BusHeaders.ID, String.class),
            in.getHeader(BusHeaders.TIME, String.class), in.getHeader(BusHeaders.SOURCE, String.class));
    }

    private Predicate predicate(Object key, String text) {
        Expression e = expression(key, text);
        return x -> e.test(data(x), attributes(x), budget(x));
    }

    private Expression expression(Object key, String text) {
        return expressions.computeIfAbsent(key, k -> new Expression(text));
    }

    private static List<?> parts(Object result, Flow.Split s) {
        if (result == null) {
            return List.of();
        }
        List<?> parts = result instanceof List<?> l ? l : List.of(result);
        if (parts.size() > s.max()) {
            throw new Expression.LimitException("the split made " + parts.size() + " parts; block " + s.path()
                + " takes at most " + s.max());
        }
        return new ArrayList<>(parts);
    }

    private static String text(Object value) {
        return value == null ? null : value instanceof String s ? s : String.valueOf(value);
    }

    private void log(Flow.Log l, Exchange x) {
        String data = String.valueOf(data(x));
        String line = "flow " + name + ": " + clean(l.text()) + " (type " + clean(x.getIn().getHeader(BusHeaders.TYPE,
            String.class)) + ", subject " + clean(x.getIn().getHeader(BusHeaders.SUBJECT, String.class)) + ") "
            + clean(data.length() > 500 ? data.substring(0, 500) + "..." : data);
        if (capture != null) {
            capture.log(line);
        } else {
            LOG.info(line);
        }
    }

    /** Text for one log line: control characters as escapes, so a flow cannot forge lines. */
    private static String clean(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /**
     * Collects the data of an aggregate's events into a list, in arrival order, within what the flow's owner's
     * aggregates may hold ({@link AggregateMemory}): an event past it fails (its subscription dead-letters it with the
     * reason) and is not held. The collection carries the share of CPU time of the event that came last
     * ({@link EventBudget}; see where the aggregate is appended).
     */
    private final class Collect implements AggregationStrategy {
        @Override
        public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
            Object data = newExchange.getProperty(DATA);
            long size = AggregateMemory.estimate(data) + AggregateMemory.PER_EVENT;
            AggregateMemory.HUB.take(owner(), size);
            if (oldExchange == null) {
                List<Object> all = new ArrayList<>();
                all.add(data);
                java.util.Set<Long> sequences = new java.util.LinkedHashSet<>();
                addSequences(newExchange, sequences);
                newExchange.setProperty(DATA, all);
                newExchange.setProperty(HELD, size);
                newExchange.setProperty(COLLECTED, sequences);
                return newExchange;
            }
            @SuppressWarnings("unchecked")
            List<Object> all = oldExchange.getProperty(DATA, List.class);
            all.add(data);
            @SuppressWarnings("unchecked")
            java.util.Set<Long> sequences = oldExchange.getProperty(COLLECTED, java.util.Set.class);
            addSequences(newExchange, sequences);
            oldExchange.setProperty(HELD, oldExchange.getProperty(HELD, Long.class) + size);
            oldExchange.setProperty(BUDGET, newExchange.getProperty(BUDGET)); // the latest event's (see append)
            int hops = Math.max(Hops.count(oldExchange.getIn().getHeader(Hops.HEADER)),
                Hops.count(newExchange.getIn().getHeader(Hops.HEADER)));
            if (hops > 0) { // a collection goes on with the highest loop count of its events
                oldExchange.getIn().setHeader(Hops.HEADER, hops);
            }
            // the collection's origin, for its output's id: a name of the origins in their order, of a fixed length
            // (the origins joined grew the string by each event's, copied whole each time: a collection of a thousand
            // took 80 KB and a million characters copied, none of it counted; an attacker's probe)
            oldExchange.setProperty(ORIGIN, "collected " + UUID.nameUUIDFromBytes((oldExchange.getProperty(ORIGIN,
                String.class) + "+" + newExchange.getProperty(ORIGIN, String.class)).getBytes(StandardCharsets.UTF_8)));
            return oldExchange;
        }

        /** The event's sequence, or those of the collection it is (an aggregate after an aggregate). */
        private static void addSequences(Exchange x, java.util.Set<Long> into) {
            @SuppressWarnings("unchecked")
            java.util.Set<Long> collected = x.getProperty(COLLECTED, java.util.Set.class);
            if (collected != null) {
                into.addAll(collected);
            } else {
                Long sequence = x.getProperty(SEQUENCE, Long.class);
                if (sequence != null) {
                    into.add(sequence); // the parts of a split event share its sequence: one dead letter for them
                }
            }
        }

        /**
         * A collection is complete: what it holds stays counted until it has gone through the blocks after the
         * aggregate ({@link AggregateMemory}; released here, up to a thousand complete collections could wait for a
         * slow target uncounted, a review), and a failure no handler took is its events' dead letters. That is a
         * failure at a stop: Camel runs no error handler once it forces a stop (a target slower than the stop's
         * time), and refuses a collection that comes to a route already stopping; the events were lost to the flow.
         */
        @Override
        public void onCompletion(Exchange exchange) {
            Long held = exchange.getProperty(HELD, Long.class);
            exchange.removeProperty(HELD);
            exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                @Override
                public void onFailure(Exchange x) {
                    try {
                        if (x.getProperty(COLLECTED) != null) {
                            collectionFailed(x);
                        }
                    } finally {
                        onDone(x);
                    }
                }

                @Override
                public void onDone(Exchange x) {
                    if (held != null) {
                        AggregateMemory.HUB.release(owner(), held);
                    }
                }
            });
        }
    }

    /**
     * Whether the blocks after an aggregate are tried again for a collection: as a subscription retries an event
     * ({@link RetryPolicy}'s attempts and its delays with their jitter, waited by Camel's redelivery), not after a failure another attempt would
     * repeat ({@link PermanentFailure}) nor while the flow stops (a stop completes the collections and would wait).
     */
    private boolean retryCollection(Exchange x) {
        if (x.getProperty(FIRST_FAILED) == null) {
            x.setProperty(FIRST_FAILED, java.time.Instant.now());
        }
        Exception e = x.getException() != null ? x.getException() : x.getProperty(Exchange.EXCEPTION_CAUGHT,
            Exception.class);
        int attempts = x.getProperty(ATTEMPTS, 0, Integer.class) + 1; // Camel's counter is gone by the handler
        x.setProperty(ATTEMPTS, attempts);
        @SuppressWarnings("unchecked")
        java.util.Set<Long> sequences = x.getProperty(COLLECTED, java.util.Set.class);
        boolean again = !deadLettered.all(sequences) && attempts < retry.attempts() && !PermanentFailure.in(e)
            && stopping.getCount() > 0;
        if (again) {
            // read by Camel's redelivery right after this answer; the message is restored from its copy before the
            // next attempt, so the header goes no further
            x.getIn().setHeader(Exchange.REDELIVERY_DELAY, retry.jitteredDelayAfter(attempts).toMillis());
        }
        return again;
    }

    /** The blocks after an aggregate failed for good: the collection's events are the flow's dead letters. */
    private void collectionFailed(Exchange x) {
        Exception e = x.getException() != null ? x.getException() : x.getProperty(Exchange.EXCEPTION_CAUGHT,
            Exception.class);
        String error = e == null ? "failed" : de.datenhafen.core.camel.CamelFailures.message(e);
        @SuppressWarnings("unchecked")
        java.util.Set<Long> sequences = x.getProperty(COLLECTED, java.util.Set.class);
        int attempts = Math.max(1, x.getProperty(ATTEMPTS, 0, Integer.class));
        java.time.Instant first = x.getProperty(FIRST_FAILED, java.time.Instant.class);
        List<Long> fresh = deadLettered.add(sequences);
        if (fresh.isEmpty()) {
            return; // another part's collection made them dead letters already
        }
        String reason = "after an aggregate, for its collection of " + sequences.size() + " event"
            + (sequences.size() == 1 ? "" : "s") + ": " + error;
        if (capture == null) {
            LOG.warn("Flow {}: the blocks after an aggregate failed for a collection of {} events ({} attempts), "
                + "moved them to dead letters: {}", name, sequences.size(), attempts, error);
        }
        collectionFailures.failed(fresh, reason, attempts, first == null ? java.time.Instant.now() : first);
    }

    /**
     * Where an aggregate's complete collections go on. One complete by its size goes on on the thread of the event
     * that completed it, so the subscription waits for it as for any event: on Camel's own thread for them
     * ("Aggregator", its queue without a bound) the subscription read on while collections queued up behind a slow or
     * failing target, their retries taking seconds each. One complete by its time goes on on a thread of the flow's own
     * (ending when idle for 5 s): Camel completes those holding the aggregate's lock, and run there, a slow target held
     * every subject's events of the flow (a review). Past {@value #QUEUED} waiting there, the timer's thread runs them
     * itself; and at a stop the stopping thread does, all of them (nothing is dropped; one that fails then, or that a
     * forced stop cuts off, is its events' dead letters, see {@link Collect#onCompletion}).
     */
    private static final class Completions extends java.util.concurrent.ThreadPoolExecutor {
        static final int QUEUED = 1_000;
        private final ThreadLocal<Boolean> delivering;
        private final java.util.concurrent.CountDownLatch stopping;
        /** Collections handed to this executor that have not gone on yet. */
        private final java.util.concurrent.atomic.AtomicInteger unfinished =
            new java.util.concurrent.atomic.AtomicInteger();

        Completions(String flow, ThreadLocal<Boolean> delivering, java.util.concurrent.CountDownLatch stopping) {
            super(1, 1, 5, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(QUEUED), r -> {
                    Thread t = new Thread(r, "flow-" + flow + "-collections");
                    t.setDaemon(true);
                    return t;
                }, (r, executor) -> r.run());
            this.delivering = delivering;
            this.stopping = stopping;
            allowCoreThreadTimeOut(true);
        }

        @Override
        public void execute(Runnable command) {
            // once the flow stops, collections go on where they complete: on the thread that settles the flow (see
            // settle), or on this executor's for those that were waiting
            if (delivering.get() || stopping.getCount() == 0) {
                command.run();
            } else {
                queue(command);
            }
        }

        private void queue(Runnable command) {
            unfinished.incrementAndGet();
            try {
                super.execute(() -> {
                    try {
                        command.run();
                    } finally {
                        finished();
                    }
                });
            } catch (RuntimeException e) {
                finished();
                throw e;
            }
        }

        private void finished() {
            if (unfinished.decrementAndGet() == 0) {
                synchronized (unfinished) {
                    unfinished.notifyAll();
                }
            }
        }

        /** {@link Stop#before}, once the flow is stopping. */
        boolean settle(Runnable completeHeld, java.time.Duration within) {
            long deadline = System.nanoTime() + within.toNanos();
            queue(completeHeld);
            synchronized (unfinished) {
                while (unfinished.get() > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        unfinished.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /**
     * {@link #deadLettered}: the sequences, the newest {@value #MAX} (past that, a part's failure may write its event
     * once more). The parts of an event fail one after the other, so a short memory does; a long one held by every
     * flow whose target is down would add up (about 80 bytes a sequence).
     */
    private static final class DeadLettered {
        static final int MAX = 1_024;
        private final java.util.LinkedHashMap<Long, Boolean> sequences = new java.util.LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > MAX;
            }
        };

        synchronized boolean all(java.util.Collection<Long> of) {
            return !of.isEmpty() && sequences.keySet().containsAll(of);
        }

        /** Notes them; those that were not yet. */
        synchronized List<Long> add(java.util.Collection<Long> of) {
            List<Long> fresh = new ArrayList<>();
            for (Long s : of) {
                if (sequences.put(s, Boolean.TRUE) == null) {
                    fresh.add(s);
                }
            }
            return fresh;
        }

        synchronized void forget(long sequence) {
            sequences.remove(sequence);
        }
    }

    /** Whose aggregates this flow's are, in words ({@link AggregateMemory}). */
    private String owner() {
        return capture != null ? "dry runs" : member != null ? "member " + member + "'s flows" : "the hub-admins' flows";
    }

    /** A throttle: lets one event through each 1/n second, waiting on the flow's own thread. */
    private static final class Pace implements org.apache.camel.Processor {
        private final long intervalNanos;
        private final java.util.concurrent.CountDownLatch stopping;
        private long next;

        Pace(int perSecond, java.util.concurrent.CountDownLatch stopping) {
            this.intervalNanos = 1_000_000_000L / perSecond;
            this.stopping = stopping;
        }

        @Override
        public void process(Exchange exchange) throws InterruptedException {
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                next = Math.max(next, now);
                wait = next - now;
                next += intervalNanos;
            }
            if (wait > 0) {
                stopping.await(wait, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }
    }
}
