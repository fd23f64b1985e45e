package de.datenhafen.plugins.social;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Caller;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hsds-directory}: serves the directory under {@code /api/v1/plugins/social-services/} (the HSDS API, the
 * citizens' search, imports and organisations' edits) and puts {@code social.service.created/updated/deleted} on the
 * bus from the directory's outbox. One integration of it per hub: its routes own the plugin's HTTP root.
 *
 * <p>Who may call is the hub's: reads are public; {@code import} and {@code organizations} (PUT) need the role
 * member-editor of the owning member ({@code access}); service edits are on a public endpoint, since other members'
 * editors make them, and {@link Access} checks the caller against the organisation's member.
 *
 * <p>Routes: {@code api} (reads), {@code api-services} (service edits), {@code api-import}, {@code api-organizations}
 * (all handled by {@link Api}); {@code publish} (drains the outbox onto the bus,
 * events of one service in order, different services in parallel; rows are removed only after the bus committed
 * them); {@code outbox} (a timer that loads the demo data once, when asked and the directory is empty, and drains
 * what an earlier run left).
 */
final class DirectoryConnector implements Connector {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryConnector.class);

    private final Supplier<Directory> directory;
    private final Semaphore draining = new Semaphore(1);

    DirectoryConnector(Supplier<Directory> directory) {
        this.directory = directory;
    }

    @Override
    public String name() {
        return "hsds-directory";
    }

    @Override
    public String description() {
        return "The social services' directory of counselling and cultural offers (Open Referral HSDS 3.1): HSDS API, "
            + "citizen search, imports, organisations' edits; social.service.* events on the bus.";
    }

    @Override
    public ConfigDef config() {
        return Limits.define(ConfigDef.builder()
            .retired(RETIRED_ADMIN_TOKEN, "admin-token was replaced by member tokens: give the users or tokens of "
                + "the member that owns the plugin that import and manage organisations the role member-editor, and "
                + "each organisation's member (PUT organizations/{id}/member) editor tokens for its services (README, "
                + "'Members, people and tokens'); then remove admin-token from this integration's config")
            .define("demo-data", ConfigType.BOOLEAN, false, false,
                "Load the made-up Kleinhafen directory when the directory is empty")
            .define("outbox-period", ConfigType.DURATION, "1s", false,
                "How often leftover events are taken from the outbox onto the bus"))
            .build();
    }

    static final String RETIRED_ADMIN_TOKEN = "admin-token";

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        boolean demo = ctx.config().getBoolean("demo-data");
        long period = ctx.config().getDuration("outbox-period").toMillis();
        Limits limits = Limits.of(ctx.config());
        TabularExport exports = new TabularExport(ctx.plugin().dataDirectory().resolve("exports"));
        String publish = "direct:social-publish-" + ctx.integrationName();
        String root = "/api/v1/plugins/" + ctx.plugin().pluginId();
        // counselling and culture on the city's page, shown while the directory runs
        ctx.publicSection(new ServicesSection(directory, limits, exports));
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the hub reads a body up to maxBodySize before the route sees it: as large as an import may be, and
                // for the edits of services (public: any caller may send one) as large as one service may be
                String[][] endpoints = {
                    {"api", "", "?matchOnUriPrefix=true&httpMethodRestrict=GET"},
                    {"api-services", "services", "?matchOnUriPrefix=true&httpMethodRestrict=POST,PUT,DELETE"
                        + "&maxBodySize=" + Limits.MAX_EDIT_BYTES},
                    {"api-import", "import", "?httpMethodRestrict=POST&access=member-editor&maxBodySize="
                        + limits.maxImportBytes()},
                    {"api-organizations", "organizations",
                        "?matchOnUriPrefix=true&httpMethodRestrict=PUT&access=member-editor&maxBodySize=4096"},
                };
                for (String[] api : endpoints) {
                    from(ctx.httpEndpoint(api[1]) + api[2])
                        .routeId(ctx.routeId(api[0]))
                        .process(e -> handle(e, new Api(directory.get(), limits, exports), root))
                        .filter(exchangeProperty("changed"))
                            .to(publish)
                        .end();
                }

                from(publish)
                    .routeId(ctx.routeId("publish"))
                    .setProperty("answer", body())
                    .process(e -> takeOutbox(e))
                    .split(body()).parallelProcessing()
                        .split(body())
                            .process(e -> {
                                Directory.OutboxEvent ev = e.getMessage().getBody(Directory.OutboxEvent.class);
                                e.getMessage().setHeader(BusHeaders.ID, ev.eventId());
                                e.getMessage().setHeader(BusHeaders.SUBJECT, ev.subject());
                                e.getMessage().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
                                e.getMessage().setHeader(BusHeaders.TYPE, ev.type());
                                e.getMessage().setBody(ev.data().getBytes(StandardCharsets.UTF_8));
                            })
                            .to(ctx.busByTypeHeader())
                        .end()
                    .end()
                    .process(e -> sent(e))
                    .setBody(exchangeProperty("answer"));

                from("timer:social-outbox-" + ctx.integrationName() + "?delay=200&period=" + period)
                    .routeId(ctx.routeId("outbox"))
                    .process(e -> {
                        Directory d = directory.get();
                        if (demo && d.services().isEmpty()) {
                            LOG.info("social-services: loading the demo directory of Kleinhafen");
                            d.importSet(DemoData.demo(LocalDate.now(d.zone())), line -> LOG.info("demo import: {}", line));
                        }
                    })
                    .to(publish);
            }
        };
    }

    private static void handle(Exchange e, Api api, String root) {
        String method = e.getIn().getHeader(Exchange.HTTP_METHOD, "GET", String.class);
        String uri = e.getIn().getHeader(Exchange.HTTP_URI, "", String.class);
        String query = e.getIn().getHeader(Exchange.HTTP_QUERY, String.class);
        int qm = uri.indexOf('?');
        if (qm >= 0) {
            query = query == null ? uri.substring(qm + 1) : query;
            uri = uri.substring(0, qm);
        }
        String path = uri.startsWith(root) ? uri.substring(root.length()) : uri;
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        byte[] body = method.equals("GET") ? null : e.getIn().getBody(byte[].class);
        Api.Response r = api.handle(new Api.Request(method, path, query,
            e.getIn().getHeader(BusHeaders.CALLER, Caller.class), e.getIn().getHeader(Exchange.CONTENT_TYPE, String.class),
            body));
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, r.status());
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, r.contentType());
        if (r.stream() != null) {
            // sent while it is read: Camel's platform-http pumps an InputStream body to the socket with back-pressure
            if (r.contentType().equals("application/zip")) {
                e.getMessage().setHeader("Content-Disposition", "attachment; filename=\"hsds-directory.zip\"");
            }
            e.getMessage().setBody(r.stream());
        } else {
            e.getMessage().setBody(Json.bytes(r.body()));
        }
        e.setProperty("changed", !method.equals("GET") && r.status() < 300);
    }

    /** Takes up to 5,000 events, grouped by subject (each group in order); empty when another drain runs. */
    private void takeOutbox(Exchange e) {
        if (!draining.tryAcquire()) {
            e.getMessage().setBody(List.of());
            return;
        }
        try {
            List<Directory.OutboxEvent> events = directory.get().outbox(5000);
            Map<String, List<Directory.OutboxEvent>> bySubject = new LinkedHashMap<>();
            for (Directory.OutboxEvent ev : events) {
                bySubject.computeIfAbsent(ev.subject(), k -> new ArrayList<>()).add(ev);
            }
            e.setProperty("lastSeq", events.isEmpty() ? -1L : events.get(events.size() - 1).seq());
            java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);
            e.setProperty("holdsDrain", held);
            // released by sent(), or when the exchange ends with an error half-way (the rows stay for the next drain)
            e.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    if (held.compareAndSet(true, false)) {
                        draining.release();
                    }
                }
            });
            e.getMessage().setBody(new ArrayList<>(bySubject.values()));
        } catch (RuntimeException ex) {
            draining.release();
            throw ex;
        }
    }

    private void sent(Exchange e) {
        java.util.concurrent.atomic.AtomicBoolean held =
            e.getProperty("holdsDrain", java.util.concurrent.atomic.AtomicBoolean.class);
        if (held == null) {
            return;
        }
        try {
            long last = e.getProperty("lastSeq", -1L, Long.class);
            if (last >= 0) {
                directory.get().sent(last);
            }
        } finally {
            e.removeProperty("holdsDrain");
            if (held.compareAndSet(true, false)) {
                draining.release();
            }
        }
    }
}
