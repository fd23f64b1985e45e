package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.Caller;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code airquality-http}: {@code POST /api/v1/plugins/air-quality/<path>} takes The Things Stack v3 uplink messages
 * (its webhook), ChirpStack v4 uplink events (its HTTP integration) and the plain batch form, one or an array. Every
 * valid reading becomes an {@code air.reading} event, committed before the answer: 202
 * {@code {"accepted": n, "duplicates": d}} when all were valid (d of the n were stored already: an uplink sent again);
 * 400 naming the first refused reading's device and field, with all refused ones listed and the valid rest stored,
 * otherwise.
 *
 * <p>Closed by default: the hub lets on only a caller with the role {@code member-editor} of the plugin's owning
 * member (a member token in {@code Authorization: Bearer}, which The Things Stack's and ChirpStack's webhooks can
 * send), and answers 401/403 itself; unless the admin sets {@code anonymous: true} (public sensors, or a network
 * server that cannot send a header, on a network of its own).
 */
final class HttpIngestConnector implements Connector {

    /** The requests a second one client may make to a door open to anyone. */
    static final String ANONYMOUS_RATE = "anonymous-rate";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpIngestConnector.class);

    private final AirQuality air;

    HttpIngestConnector(AirQuality air) {
        this.air = air;
    }

    @Override
    public String name() {
        return "airquality-http";
    }

    @Override
    public String description() {
        return "Takes LoRaWAN uplinks of the air-quality monitors (The Things Stack v3, ChirpStack v4, or a plain "
            + "batch) POSTed to /api/v1/plugins/air-quality/<path>; each valid reading becomes an air.reading event.";
    }

    @Override
    public ConfigDef config() {
        return RetiredKey.declare(FieldMapping.declare(ConfigDef.builder()
                .define("path", ConfigType.STRING, "uplinks", false, "Path of the endpoint below the plugin's root")
                .define("max-future", ConfigType.DURATION, "10m", false,
                    "A reading time further ahead of the hub's clock than this is refused")
                .define("max-body", ConfigType.INT, 4 * 1024 * 1024, false, "Largest accepted body, in bytes")
                .define("anonymous", ConfigType.BOOLEAN, false, false,
                    "Take uplinks without a token: anyone who reaches the hub can then put readings on the bus "
                        + "(public sensors, or a network server that cannot send a header). Default: only a token "
                        + "or user with the role member-editor of the plugin's member")
                .define(ANONYMOUS_RATE, ConfigType.INT, 50, false, "With anonymous: requests a second one client "
                    + "address (an IPv6 /64) may make, five seconds' worth at once; past it 503 with Retry-After "
                    + "before the body is read. 0: no bound (a network server sending many uplinks from one "
                    + "address may need more than the default)")
                .check(ANONYMOUS_RATE, ConfigCheck.range(0, 100_000))), "token")
            // a door open to anyone, and how much one request may carry through it, are a hub-admin's: a member-admin of
            // the plugin's owner opened one with max-body 1 GB (an attacker's probe)
            .hubAdminOnly("it lets anyone without a token put readings on the bus, and bounds what one request may "
                + "carry and how many a second", List.of("anonymous", "max-body", ANONYMOUS_RATE))
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        String path = ctx.config().getString("path");
        int maxBody = ctx.config().getInt("max-body");
        boolean anonymous = ctx.config().getBoolean("anonymous");
        if (anonymous) {
            LOG.warn("integration {}: anonymous is on, anyone who reaches the hub can post air-quality uplinks",
                ctx.integrationName());
        }
        String access = anonymous ? "public" : Caller.MEMBER_EDITOR;
        Ingest ingest = new Ingest(new UplinkParser(FieldMapping.from(ctx.config()),
            ctx.config().getDuration("max-future"), Clock.systemUTC()), air.registry);
        BusPublisher bus = new BusPublisher(Ingest.READING);
        de.datenhafen.api.BusPublisher hub = ctx.publisher();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(ctx.httpEndpoint(path) + "?httpMethodRestrict=POST&audit=refusals&access=" + access
                    + "&maxBodySize=" + maxBody // the hub refuses a larger body before reading it
                    + "&clientRate=" + (anonymous ? ctx.config().getInt(ANONYMOUS_RATE) : 0)) // and a client past it
                    .routeId(ctx.routeId("uplinks"))
                    .process(new Uplinks(ingest, bus, hub));
            }
        };
    }

    /**
     * The route's work as a Camel {@link AsyncProcessor}: the body is read and checked on the plugin's HTTP worker,
     * the batch handed to the bus without waiting, and the worker is free for the next request while the commit is
     * pending (many requests wait for one group commit at once, not a parked thread each). The answer is set and the
     * exchange completed when the commit is, on the hub's completion thread, so nothing slow happens there. Camel's
     * rules for an asynchronous processor: never throw from {@code process(exchange, callback)} but put the error on
     * the exchange (the hub answers it as if thrown: 400, 413, 503 with Retry-After), and call {@code done(true)} only
     * when returning true, i.e. when the work was finished before returning.
     */
    static final class Uplinks implements AsyncProcessor {
        private final Ingest ingest;
        private final BusPublisher bus;
        private final de.datenhafen.api.BusPublisher hub;

        Uplinks(Ingest ingest, BusPublisher bus, de.datenhafen.api.BusPublisher hub) {
            this.ingest = ingest;
            this.bus = bus;
            this.hub = hub;
        }

        @Override
        public boolean process(Exchange e, AsyncCallback callback) {
            Ingest.Outcome out;
            CompletableFuture<Integer> committed;
            try {
                out = read(e);
                committed = bus.publishAsync(hub, out.events()).toCompletableFuture();
            } catch (RuntimeException refused) {
                e.setException(refused);
                callback.done(true);
                return true;
            }
            boolean sync = committed.isDone(); // nothing to store, or refused at once (bus full, shutting down)
            committed.whenComplete((duplicates, error) -> {
                try {
                    if (error != null) {
                        e.setException(error instanceof CompletionException c && c.getCause() != null ? c.getCause()
                            : error);
                    } else {
                        answer(e, out, duplicates);
                    }
                } catch (RuntimeException failed) {
                    e.setException(failed); // the exchange must complete whatever happens here
                }
                if (!sync) {
                    callback.done(false);
                }
            });
            if (sync) {
                callback.done(true);
            }
            return sync;
        }

        @Override
        public CompletableFuture<Exchange> processAsync(Exchange e) {
            CompletableFuture<Exchange> done = new CompletableFuture<>();
            process(e, doneSync -> done.complete(e));
            return done;
        }

        /** For a caller that cannot wait asynchronously: blocks until the answer is set. */
        @Override
        public void process(Exchange e) {
            processAsync(e).join();
        }

        private Ingest.Outcome read(Exchange e) {
            byte[] body = e.getIn().getBody(byte[].class);
            try {
                return ingest.accept(body);
            } catch (UplinkParser.BodyException ex) {
                throw new InvalidInputException(ex.getMessage(), "body");
            }
        }
    }

    /**
     * The answer: {@code accepted} counts the readings taken (stored now or before), {@code duplicates} how many of
     * those were stored before (the same device and time), so a sender can tell a retry from a new reading.
     */
    static void answer(Exchange e, Ingest.Outcome out, int duplicates) {
        if (out.problems().isEmpty()) {
            Http.answer(e, 202, Http.JSON.createObjectNode().put("accepted", out.events().size())
                .put("duplicates", duplicates));
            return;
        }
        Problem first = out.problems().get(0);
        ObjectNode body = Http.JSON.createObjectNode()
            .put("error", out.problems().size() + " reading(s) refused, " + out.events().size() + " stored; first: "
                + (first.device() == null ? "" : "device " + first.device() + ", ") + first.field() + " "
                + first.error())
            .put("field", first.field());
        if (first.device() != null) {
            body.put("device", first.device());
        }
        body.put("accepted", out.events().size()).put("duplicates", duplicates);
        ArrayNode refused = body.putArray("refused");
        for (Problem p : out.problems()) {
            ObjectNode n = refused.addObject().put("index", p.index());
            if (p.device() != null) {
                n.put("device", p.device());
            }
            n.put("field", p.field()).put("error", p.error());
        }
        Http.answer(e, 400, body);
    }
}
