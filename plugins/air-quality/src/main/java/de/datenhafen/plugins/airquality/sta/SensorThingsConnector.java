package de.datenhafen.plugins.airquality.sta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.BoundedOutput;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Caller;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.HttpRequests;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.QueryString;
import de.datenhafen.plugins.airquality.Incident;
import de.datenhafen.plugins.airquality.RetiredKey;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code airquality-sensorthings}: the OGC SensorThings API 1.1 (and the 1.0 root) at {@code <path>/v1.1} and
 * {@code <path>/v1.0}, a path of its own outside {@code /api/v1/plugins} (default {@code /sta}). Reading is public;
 * creating, changing and deleting need the role {@code member-editor} of the plugin's owning member (the schools'
 * registry is that member's), which the hub checks before the route runs; or {@code open-writes} (for test
 * installations and OGC's test suite only). No device identifier appears in any answer.
 */
public final class SensorThingsConnector implements Connector {

    private static final Logger LOG = LoggerFactory.getLogger(SensorThingsConnector.class);

    private final StaBackend backend;

    public SensorThingsConnector(StaBackend backend) {
        this.backend = backend;
    }

    @Override
    public String name() {
        return "airquality-sensorthings";
    }

    @Override
    public String description() {
        return "OGC SensorThings API 1.1 (and 1.0) of the school rooms' air quality at <path>/v1.1 (default /sta): "
            + "Things are rooms, Locations sites, a Datastream per quantity and room, Observations the readings. "
            + "Reading is public; writes need the role member-editor of the plugin's member.";
    }

    @Override
    public ConfigDef config() {
        return common(ConfigDef.builder(), "/sta", "the plugin's owning member")
            .define("string-ids", ConfigType.BOOLEAN, false, false, "Locations keep the site ids as their @iot.id "
                + "(Locations('gs-nord')), as before numeric ids; for clients written against those. Default: every "
                + "id is a number, the site id is properties/site")
            .define("max-future", ConfigType.DURATION, "10m", false, "An Observation's time further ahead of the "
                + "hub's clock than this is refused")
            .build();
    }

    /**
     * The keys every SensorThings connector of the plugin has: path, writing, paging, time-out and the bounds;
     * {@code writers} says whose member-editors may write without open-writes.
     */
    static ConfigDef.Builder common(ConfigDef.Builder b, String defaultPath, String writers) {
        return RetiredKey.declare(b
            .define("path", ConfigType.STRING, defaultPath, false, "Root path of the service, outside /api (the "
                + "versions are below it: <path>/v1.1, <path>/v1.0)")
            .define("open-writes", ConfigType.BOOLEAN, false, false, "Let anyone write without a token: for test "
                + "installations and OGC's test suite only. Default: writes need the role member-editor of "
                + writers)
            .define("page-size", ConfigType.INT, 100, false, "Entities per page when $top is not given")
            .define("max-page-size", ConfigType.INT, 1000, false, "Largest page; a larger $top gets this many and a "
                + "nextLink")
            .define("query-timeout", ConfigType.DURATION, "30s", false, "An Observations query running longer is "
                + "stopped and answered 503 (an order over all Datastreams reads the whole reading table)")
            .define("base-url", ConfigType.STRING, null, false, "The service's public URL up to the root path (e.g. "
                + "https://data.example.org/sta) for links; default: the hub's public URL and the root path (never "
                + "the request's Host header)")
            .define("max-expand-depth", ConfigType.INT, Limits.DEFAULT.maxExpandDepth(), false, "How deep $expand "
                + "may nest (Datastreams/Thing is 2); deeper is refused with 400")
            .define("max-entities", ConfigType.INT, Limits.DEFAULT.maxEntities(), false, "Most entities in one "
                + "answer, expanded ones included; more is refused with 400")
            .define("max-answer-bytes", ConfigType.INT, Limits.DEFAULT.maxAnswerBytes(), false, "Largest answer "
                + "in bytes of JSON; larger is refused with 400")
            .define("max-skip", ConfigType.INT, Limits.DEFAULT.maxSkip(), false, "Largest $skip on Observations; "
                + "larger is refused with 400 (deeper pages come from @iot.nextLink, which continues after the last "
                + "Observation when they are in id order, the default)")
            .define("read-cpu-per-second", ConfigType.DURATION, "500ms", false,
                "CPU time all reads together may use per second (500ms: half a core; a burst of two seconds' "
                + "worth), charged while they run; past it a read waits up to 5 s, then is answered 503. A read "
                + "that has used 100 ms while the budget is below a quarter of its burst is stopped (503 to it "
                + "alone), so one expensive read cannot use up the budget for every other client. One client (an "
                + "IPv4 address, an IPv6 /64) may use half of it: past that its reads are answered 503 at once")
            .check("page-size", ConfigCheck.atLeast(1))
            .check("max-page-size", ConfigCheck.atLeast(1))
            .check("max-expand-depth", ConfigCheck.atLeast(0))
            .check("max-entities", ConfigCheck.atLeast(1))
            .check("max-answer-bytes", ConfigCheck.atLeast(1024))
            .check("max-skip", ConfigCheck.atLeast(0))
            .check("query-timeout", ConfigCheck.between(Duration.ofMillis(100), Duration.ofHours(1)))
            .check("read-cpu-per-second", ConfigCheck.between(Duration.ofMillis(1), Duration.ofMinutes(1)))
            .check("base-url", ConfigCheck.url("http", "https"))
            // anyone may read: what reads may take of the hub's CPU, memory and database is a hub-admin's to raise
            .hubAdminOnly("it bounds what the public service's reads may take of the hub", List.of("max-page-size",
                "max-expand-depth", "max-entities", "max-answer-bytes", "max-skip", "query-timeout",
                "read-cpu-per-second"))
            // it lets anyone change and delete what every member's editors keep, unasked: not a member-admin's to
            // set (one opened the shared store to anonymous writes and deleted another member's Thing)
            .hubAdminOnly("it lets anyone without a token write and delete every member's entities",
                List.of("open-writes")), "write-token");
    }

    /**
     * The rules across keys of both SensorThings connectors, which {@code /validate} reports and every start checks
     * before {@link #routes}: a default page no larger than the largest, a base URL without query or fragment.
     */
    static List<ConfigProblem> validateCommon(Config config) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (config.getInt("max-page-size") < config.getInt("page-size")) {
            problems.add(ConfigProblem.coded("page-size", "must be at most max-page-size ("
                + config.getInt("max-page-size") + ")", "page-size-above-max", config.getInt("max-page-size")));
        }
        if (config.has("base-url")) {
            try {
                baseUrl(config.getString("base-url"));
            } catch (IllegalArgumentException e) {
                problems.add(ConfigProblem.coded("base-url", e.getMessage(), "base-url"));
            }
        }
        return problems;
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        return validateCommon(config);
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        Duration queryTimeout = ctx.config().getDuration("query-timeout");
        return routes(ctx, LOG, service -> new StaWrites(backend, service, ctx.config().getDuration("max-future")),
            StaService.registry(backend, queryTimeout, ctx.config().getBoolean("string-ids")), false);
    }

    /**
     * The two routes of a SensorThings connector, on its path (and below), to the shared {@link Handler}: reads
     * (public) and writes, with the service built from {@code source} and the common keys ({@link #common}), and the
     * writes {@code writes} makes. Writes need the role member-editor of the plugin's owning member, which the hub
     * checks; with {@code anyMember} of any member instead, which the handler checks (the writes then check whose
     * data it is); with open-writes nobody checks.
     */
    static RoutesBuilder routes(IntegrationContext ctx, Logger log, java.util.function.Function<StaService, Writes>
        writes, StaService.Source source, boolean anyMember) {
        boolean open = ctx.config().getBoolean("open-writes");
        if (open) {
            log.warn("integration {}: open-writes is on, anyone can write SensorThings entities (test installations "
                + "only)", ctx.integrationName());
        }
        int pageSize = ctx.config().getInt("page-size");
        int maxPage = ctx.config().getInt("max-page-size");
        String root = ctx.config().getString("path");
        String endpoint = ctx.publicEndpoint(root) + "?matchOnUriPrefix=true&httpMethodRestrict=";
        String writeAccess = open || anyMember ? "public" : Caller.MEMBER_EDITOR;
        String baseUrl = ctx.config().has("base-url") ? baseUrl(ctx.config().getString("base-url")) : null;
        Limits limits = new Limits(ctx.config().getInt("max-expand-depth"), ctx.config().getInt("max-entities"),
            ctx.config().getInt("max-answer-bytes"), ctx.config().getDuration("read-cpu-per-second"),
            ctx.config().getInt("max-skip"));
        StaService service = new StaService(source, pageSize, maxPage, limits);
        String anyMemberOf = !open && anyMember ? ctx.plugin().pluginId() : null;
        Handler handler = new Handler(service, writes.apply(service), root.endsWith("/")
            ? root.substring(0, root.length() - 1) : root, baseUrl, anyMemberOf);
        de.datenhafen.api.BusPublisher publisher = ctx.publisher();
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the writes publish as this integration (StaBackend.PUBLISHER)
                interceptFrom().setProperty(StaBackend.PUBLISHER, constant(publisher));
                // one path, two routes: the hub lets anyone read, and checks the writers' role before the handler
                from(endpoint + "GET,HEAD,OPTIONS").routeId(ctx.routeId("sensorthings")).process(handler::handle);
                from(endpoint + "POST,PATCH,PUT,DELETE&access=" + writeAccess)
                    .routeId(ctx.routeId("sensorthings-writes")).process(handler::handle);
            }
        };
    }

    /** Bytes of JSON, at most {@code max}; more is a 400 naming {@code field}. */
    static byte[] bounded(JsonNode j, int max, String field) {
        BoundedOutput out = new BoundedOutput(max);
        try {
            StaService.JSON.writeValue(out, j);
        } catch (BoundedOutput.Full full) {
            // Jackson hands the stream's IOException on as it is
            throw StaException.badRequest(field, -1, "the answer would be larger than " + max + " bytes "
                + "(max-answer-bytes): ask for fewer with $top, $select or expand less");
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
        return out.toByteArray();
    }

    /** The configured base URL, checked at start: an absolute http(s) URL, without a trailing slash. */
    static String baseUrl(String text) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("base-url is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
            || uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("base-url must be an http or https URL with a host and no query, such "
                + "as https://data.example.org/sta");
        }
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** One request: path and method to the service, errors to JSON. */
    static final class Handler {
        private final StaService service;
        private final Writes writes;
        private final String root;
        private final String baseUrl;
        private final String anyMemberOf;

        /**
         * {@code anyMemberOf}: the plugin's id when the handler lets on writes by a member-editor of any member
         * (scoped to this plugin, if scoped); null when the hub checked the writer already, or nobody is checked.
         */
        Handler(StaService service, Writes writes, String root, String baseUrl, String anyMemberOf) {
            this.service = service;
            this.writes = writes;
            this.root = root;
            this.baseUrl = baseUrl;
            this.anyMemberOf = anyMemberOf;
        }

        void handle(Exchange e) {
            // reads (public) share a CPU budget; writes need a member token and are not held up by anonymous reads
            boolean read = "GET".equals(e.getIn().getHeader(Exchange.HTTP_METHOD, String.class));
            Throttle.Ticket ticket = null;
            try {
                if (read) {
                    ticket = service.throttle().enter(HttpRequests.client(e));
                }
                respond(e);
            } catch (StaException busy) {
                answer(e, refusal(busy), Integer.MAX_VALUE, null);
            } finally {
                if (ticket != null) {
                    ticket.close();
                }
            }
        }

        private void respond(Exchange e) {
            StaService.Answer a;
            try {
                a = serve(e);
            } catch (StaException x) {
                StaException stopped = Throttle.stopped();
                a = refusal(stopped != null ? stopped : x);
            } catch (Exception | StackOverflowError x) {
                StaException stopped = Throttle.stopped();
                if (stopped != null) {
                    // the read was stopped for its CPU time: what failed was its cancelled statement
                    a = refusal(stopped);
                } else {
                    // the database's message names the statement: the log has it, under the request id, not the answer
                    String id = Incident.log(LOG, e.getIn().getHeader(Exchange.HTTP_METHOD, String.class) + " "
                        + e.getIn().getHeader(Exchange.HTTP_URI, String.class), x);
                    a = new StaService.Answer(500, Incident.body(id), null);
                }
            }
            try {
                answer(e, a, service.limits().maxAnswerBytes(), tooLarge(e));
            } catch (StaException x) {
                answer(e, refusal(x), Integer.MAX_VALUE, null);
            }
        }

        private static StaService.Answer refusal(StaException x) {
            ObjectNode body = StaService.JSON.createObjectNode().put("error", x.getMessage());
            if (x.field != null) {
                body.put("field", x.field);
            }
            if (x.position >= 0) {
                body.put("position", x.position);
            }
            return new StaService.Answer(x.status, body, null);
        }

        /** The option a too-large answer is blamed on: $expand when the request expands, else $top. */
        private static String tooLarge(Exchange e) {
            String uri = e.getIn().getHeader(Exchange.HTTP_URI, String.class);
            return uri != null && uri.contains("expand=") ? "$expand" : "$top"; // also %24expand=
        }

        private StaService.Answer serve(Exchange e) throws Exception {
            String uri = e.getIn().getHeader(Exchange.HTTP_URI, String.class);
            int q = uri.indexOf('?');
            String rawPath = q < 0 ? uri : uri.substring(0, q);
            String path = path(rawPath);
            if (!path.startsWith(root)) {
                throw StaException.notFound("not a SensorThings path: " + path);
            }
            String rest = path.substring(root.length());
            List<String> segments = new ArrayList<>();
            for (String s : rest.split("/")) {
                if (!s.isEmpty()) {
                    segments.add(s);
                }
            }
            String method = e.getIn().getHeader(Exchange.HTTP_METHOD, String.class);
            String host = baseUrl != null ? baseUrl : base(e, root);
            if (segments.isEmpty()) {
                throw StaException.notFound("the SensorThings versions are " + host + "/v1.1 and " + host + "/v1.0");
            }
            String version = segments.get(0);
            if (!version.equals("v1.1") && !version.equals("v1.0")) {
                throw StaException.notFound("no SensorThings version '" + version + "'; this service has v1.1 and "
                    + "v1.0");
            }
            String base = host + "/" + version;
            if (segments.size() == 1) {
                if (!method.equals("GET")) {
                    throw new StaException(405, "method", -1, "the service root is read only");
                }
                return new StaService.Answer(200, service.root(base, version), null);
            }
            Map<String, String> options = options(q < 0 ? null : uri.substring(q + 1));
            StaService.Target target = service.resolve(segments.subList(1, segments.size()));
            String self = base + "/" + String.join("/", segments.subList(1, segments.size()));
            switch (method) {
                case "GET" -> {
                    return service.read(target, Query.parse(options, service.limits().maxExpandDepth()), base,
                        self);
                }
                case "POST", "PATCH", "PUT", "DELETE" -> {
                    Caller caller = writer(e);
                    byte[] body = e.getIn().getBody(byte[].class);
                    return switch (method) {
                        case "POST" -> writes.create(e, caller, target, StaService.readJson(body), base);
                        case "PATCH", "PUT" -> writes.update(caller, target, StaService.readJson(body), base,
                            method.equals("PUT"));
                        default -> writes.delete(caller, target);
                    };
                }
                default -> throw new StaException(405, "method", -1, method + " is not supported; use GET, POST, "
                    + "PATCH, PUT or DELETE");
            }
        }

        /**
         * Who writes, for writes that check whose data it is; null where nobody needs to know (the hub checked the
         * writer's role for the plugin's member, or open-writes lets anyone on). Where the hub let anyone on because
         * any member may write, this is the check the hub makes for a guarded endpoint: a caller (401), whose scope
         * reaches this path (403) and who has the role member-editor (403); which data it may change is for the
         * writes to say.
         */
        private Caller writer(Exchange e) {
            if (anyMemberOf == null) {
                return null;
            }
            Caller caller = e.getIn().getHeader(BusHeaders.CALLER, Caller.class);
            if (caller == null) {
                throw new StaException(401, "Authorization", -1, "writing needs a token (Authorization: Bearer "
                    + "<token>) or a session with the role " + Caller.MEMBER_EDITOR + " of a member");
            }
            String path = e.getIn().getHeader(Exchange.HTTP_PATH, String.class);
            if (!caller.reaches(path == null ? "" : path, anyMemberOf)) {
                throw new StaException(403, "Authorization", -1, "this token is scoped to " + (caller.scopePlugin()
                    != null ? "plugin " + caller.scopePlugin() : "paths under " + caller.scopePath()));
            }
            if (!caller.has(Caller.MEMBER_EDITOR)) {
                throw new StaException(403, "Authorization", -1, "writing needs the role " + Caller.MEMBER_EDITOR
                    + " of a member (or hub-admin)");
            }
            return caller;
        }

        /**
         * Links without a configured base-url: the scheme and authority of {@code Exchange.HTTP_URL}, which the hub's
         * HTTP consumer builds from the hub's configured public URL, and the root path. The request's Host header is
         * never read here: a link built from it would point wherever the sender wants (cache poisoning, phishing).
         */
        static String base(Exchange e, String root) {
            String url = e.getIn().getHeader(Exchange.HTTP_URL, String.class);
            int scheme = url == null ? -1 : url.indexOf("://");
            if (scheme < 0) {
                return root;
            }
            int slash = url.indexOf('/', scheme + 3);
            return (slash < 0 ? url : url.substring(0, slash)) + root;
        }

        /** The path with its %-escapes decoded ('+' stays a plus); a malformed escape is the client's error. */
        static String path(String rawPath) {
            return decode(rawPath.replace("+", "%2B"), "path");
        }

        /** URL decoding where a malformed %-escape ("100%", "%zz") answers 400 naming the field, not 500. */
        private static String decode(String s, String field) {
            try {
                return URLDecoder.decode(s, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw StaException.badRequest(field, -1, "malformed %-escape in " + field + ": write a '%' as %25 ("
                    + e.getMessage() + ")");
            }
        }

        /**
         * The query's system options ({@code $top}, {@code $filter}, ...), read by the hub's one query-string reader;
         * other parameters are not SensorThings' and are left out. An option given twice, or a malformed %-escape,
         * is the client's 400 in SensorThings' error shape.
         */
        static Map<String, String> options(String query) {
            Map<String, String> out = new LinkedHashMap<>();
            try {
                QueryString q = QueryString.parse(query);
                for (String name : q.names()) {
                    if (name.startsWith("$")) {
                        out.put(name, q.get(name));
                    }
                }
            } catch (InvalidInputException x) {
                throw StaException.badRequest(x.field(), 0, x.getMessage());
            }
            return out;
        }

        /**
         * Writes the answer; JSON is serialised into a buffer that refuses to grow past {@code maxBytes}, so a
         * too-large answer is a 400 naming {@code field} and the limit, not a copy of it in the heap.
         */
        private static void answer(Exchange e, StaService.Answer a, int maxBytes, String field) {
            byte[] json = a.body() instanceof JsonNode j ? bounded(j, maxBytes, field) : null;
            e.getMessage().removeHeaders("*");
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, a.status());
            if (a.location() != null) {
                e.getMessage().setHeader("Location", a.location());
            }
            if (a.body() == null) {
                e.getMessage().setBody(null);
            } else if (json != null) {
                e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                e.getMessage().setBody(json);
            } else {
                e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
                e.getMessage().setBody(a.body().toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
