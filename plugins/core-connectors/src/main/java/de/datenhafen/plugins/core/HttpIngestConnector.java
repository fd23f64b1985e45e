package de.datenhafen.plugins.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Caller;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.HttpRequests;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.UnauthorizedException;
import de.datenhafen.api.Utf8;
import java.io.IOException;
import java.nio.CharBuffer;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code http-ingest}: an HTTP endpoint below {@code /api/v1/plugins/core-connectors/} that takes a JSON object per
 * POST and puts it on the bus as one event of the configured type. The answer (202, with the event's sequence and
 * whether it was a duplicate) comes after the event is committed. Closed by default: callers are the editors (or
 * member-admins) of the members listed in {@code senders}, with a member token or session, or a hub-admin; unless the
 * admin set {@code anonymous: true}.
 *
 * <p>The endpoint is {@code public} to the hub, whose {@code access} option knows only the plugin's owning member, and
 * the route checks the caller itself: data from the parking operator is the operator's, not the association's.
 */
public final class HttpIngestConnector implements Connector {

    /** Subjects are kept in an indexed column; longer ones are refused with a 400 naming the header. */
    static final int MAX_SUBJECT = 1024;
    static final String SENDERS = "senders";
    static final String ANONYMOUS_RATE = "anonymous-rate";
    private static final String TOKEN = "token";
    /** The end of the refusal of a lone surrogate, in the words of the hub's own doors. */
    private static final String UNPAIRED = ", an unpaired UTF-16 surrogate; JSON text must be valid Unicode (a "
        + "character beyond U+FFFF is escaped as a pair, such as \\ud83d\\ude00)";

    /** Strict JSON: one value, nothing after it, nesting bounded so a hostile body cannot exhaust the stack. */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    @Override
    public String name() {
        return "http-ingest";
    }

    @Override
    public String description() {
        return "Takes JSON objects POSTed to /api/v1/plugins/core-connectors/<path> and puts each on the bus as an "
            + "event of the given type; the subject comes from a request header.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("path", ConfigType.STRING, null, true, "Path of the endpoint below the plugin's HTTP root")
            .define("type", ConfigType.STRING, null, true, "Event type, for example city.parking.occupancy")
            .define("subject-header", ConfigType.STRING, "X-Subject", false,
                "Request header whose value becomes the event's subject")
            .define("max-body", ConfigType.INT, 65536, false, "Largest accepted body, in bytes")
            .check("max-body", ConfigCheck.range(1, 16_777_216))
            .define(SENDERS, ConfigType.LIST, null, false,
                "Ids of the members whose member-editors (or member-admins) may post, with a member token or session; "
                    + "a hub-admin always may. Required unless anonymous is true")
            .check(SENDERS, ConfigCheck.pattern(".*\\S.*", "a member id (an empty one names no member)"))
            .memberIds(SENDERS) // the hub refuses an id of no member: a typo shut out the member it meant
            .define("anonymous", ConfigType.BOOLEAN, false, false,
                "Accept posts without a token: anyone who reaches the hub may put events of this type on the bus")
            .define(ANONYMOUS_RATE, ConfigType.INT, 10, false, "With anonymous: posts a second one client address "
                + "(an IPv6 /64) may make, five seconds' worth at once; past it 503 with Retry-After before the "
                + "body is read, and nothing is put on the bus. 0: no bound")
            .check(ANONYMOUS_RATE, ConfigCheck.range(0, 100_000))
            // a door open to anyone, and how much of the hub anyone's posts may take through it, are a hub-admin's:
            // a member-admin of the plugin's owner opened one with anonymous-rate 0 (an attacker's probe)
            .hubAdminOnly("it lets anyone without a token put events on the bus, and bounds how many a second",
                List.of("anonymous", ANONYMOUS_RATE))
            // Removed (issue 13): a stored config that still has it is refused saying what replaces it
            .retired(TOKEN, "token was replaced by member tokens: list the members whose editors may post in senders "
                + "(e.g. \"senders\": [\"parkhaus-gmbh\"]) and give their machines member tokens with the role "
                + "member-editor (README, 'Members, people and tokens'); they send them as Authorization: Bearer "
                + "<token> instead of X-Token. Then remove token from this integration's config")
            .build();
    }

    /** Closed by default: senders or anonymous, exactly one of them. */
    @Override
    public List<ConfigProblem> validate(Config config) {
        boolean senders = config.has(SENDERS) && !config.getList(SENDERS).isEmpty();
        boolean anonymous = config.getBoolean("anonymous");
        if (!senders && !anonymous) {
            return List.of(ConfigProblem.coded(SENDERS, "an ingest is closed by default: list the members whose "
                + "editors may post in senders, or set anonymous: true to let anyone post", "closed-by-default"));
        }
        if (senders && anonymous) {
            return List.of(ConfigProblem.coded("anonymous", "set either senders or anonymous: true, not both: with "
                + "anonymous anyone may post, so senders would say nothing", "senders-and-anonymous"));
        }
        return List.of();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        String path = ctx.config().getString("path");
        String type = ctx.config().getString("type");
        String subjectHeader = ctx.config().getString("subject-header");
        int maxBody = ctx.config().getInt("max-body");
        boolean anonymous = ctx.config().getBoolean("anonymous");
        List<String> senders = ctx.config().has(SENDERS) ? ctx.config().getList(SENDERS) : List.of();
        // the hub bounds each client's posts before it reads their bodies (the endpoint's clientRate)
        int perSecond = anonymous ? ctx.config().getInt(ANONYMOUS_RATE) : 0;
        String plugin = ctx.plugin().pluginId();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(ctx.httpEndpoint(path) + "?httpMethodRestrict=POST&audit=refusals&maxBodySize=" + maxBody
                    + "&clientRate=" + perSecond)
                    .routeId(ctx.routeId("ingest"))
                    .process(e -> {
                        if (!anonymous) {
                            admit(e, senders, plugin);
                        }
                        byte[] body = e.getIn().getBody(byte[].class);
                        if (body == null || body.length == 0) {
                            throw InvalidInputException.emptyBody("one JSON object");
                        }
                        String problem = notOneJsonObject(body);
                        if (problem != null) {
                            throw new InvalidInputException(problem, "body");
                        }
                        // the request's header only: a query parameter of its name is no subject
                        String subject = HttpRequests.header(e, subjectHeader);
                        if (subject != null && subject.length() > MAX_SUBJECT) {
                            throw new InvalidInputException("the subject has " + subject.length()
                                + " characters, at most " + MAX_SUBJECT + " are accepted", subjectHeader);
                        }
                        e.getIn().setBody(body);
                        e.getIn().setHeader(BusHeaders.SUBJECT, subject);
                        e.getIn().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
                    })
                    .to(ctx.bus(type))
                    .process(e -> {
                        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
                        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                        e.getMessage().setBody("{\"sequence\":" + e.getMessage().getHeader(BusHeaders.SEQUENCE)
                            + ",\"duplicate\":" + (e.getMessage().getHeader(BusHeaders.DUPLICATES, 0, Integer.class) > 0)
                            + "}");
                    });
            }
        };
    }

    /**
     * Lets on an editor (or more) of one of {@code senders}, or a hub-admin, whose token reaches this plugin; else
     * throws 401 (no caller) or 403, which the hub answers in its words and JSON and audits by status (a caller's
     * refusal is not a failed message of the integration).
     */
    private static void admit(Exchange e, List<String> senders, String plugin) {
        Caller caller = e.getIn().getHeader(BusHeaders.CALLER, Caller.class);
        if (caller == null) {
            throw new UnauthorizedException("this endpoint needs a token (Authorization: Bearer <token>) or a session "
                + "of a member listed in its senders");
        }
        // the hub checks a token's scope only on guarded endpoints: a token scoped elsewhere stays there
        if (!caller.reaches(e.getIn().getHeader(Exchange.HTTP_PATH, String.class), plugin)) {
            throw new ForbiddenException("this token is scoped to " + (caller.scopePlugin() != null
                ? "plugin " + caller.scopePlugin() : "paths under " + caller.scopePath()));
        }
        if (senders.stream().noneMatch(s -> caller.actsFor(s, Caller.MEMBER_EDITOR))) {
            throw new ForbiddenException("this ingest takes posts from the member-editors of "
                + String.join(", ", senders) + " (or a hub-admin)");
        }
    }

    /**
     * Why the body is not exactly one JSON object that every reader reads alike, or null when it is. The body goes on
     * the bus as it came, so it is held to the rules of the hub's own doors, which Jackson's reader alone does not
     * keep: well-formed UTF-8 ({@link Utf8}: Jackson decodes an overlong {@code C0 AE} as {@code .} without a word),
     * no string or name with half a surrogate pair alone (a {@code \}{@code uD800} escape), each name once in an
     * object at any depth (Jackson keeps the last, other readers the first), and nothing but white space after the
     * object. Read as a stream of tokens, without a tree; the message says where (a path such as
     * {@code sensor.readings[2]}), the field is always {@code body}. The webhook-receiver holds its deliveries to it
     * too.
     */
    static String notOneJsonObject(byte[] body) {
        int bad = Utf8.illFormed(body, 0, body.length);
        if (bad >= 0) {
            return Utf8.refusal(body, bad, "the body", "body", "JSON bodies are UTF-8 (RFC 8259)").getMessage();
        }
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren(); // an array that is not JSON is "not valid JSON", as before
                return "the body must be one JSON object";
            }
            ArrayDeque<Set<String>> names = new ArrayDeque<>(); // the names of each open object
            names.push(new HashSet<>());
            while (!names.isEmpty()) {
                JsonToken t = p.nextToken();
                if (t == null) { // the parser reports an unclosed object itself; this only keeps the loop finite
                    return "the body is not valid JSON in UTF-8: the object is not closed";
                }
                switch (t) {
                    case START_OBJECT -> names.push(new HashSet<>());
                    case END_OBJECT -> names.pop();
                    case FIELD_NAME -> {
                        String name = p.currentName();
                        int lone = Utf8.loneSurrogate(name);
                        if (lone >= 0) {
                            String object = de.datenhafen.api.JsonProblems.path(p.getParsingContext().getParent());
                            return "a name in " + (object.isEmpty() ? "the body" : object) + " holds the escape "
                                + de.datenhafen.api.JsonProblems.escape(name.charAt(lone)) + UNPAIRED;
                        }
                        if (!names.peek().add(name)) {
                            String object = de.datenhafen.api.JsonProblems.path(p.getParsingContext().getParent());
                            return "the name " + quoted(name) + " is given twice in one object"
                                + (object.isEmpty() ? "" : " of " + object) + "; each name once (which of the two "
                                + "a reader keeps differs from reader to reader)";
                        }
                    }
                    case VALUE_STRING -> {
                        char[] text = p.getTextCharacters();
                        int lone = Utf8.loneSurrogate(CharBuffer.wrap(text, p.getTextOffset(), p.getTextLength()));
                        if (lone >= 0) {
                            return de.datenhafen.api.JsonProblems.path(p.getParsingContext()) + " holds the escape "
                                + de.datenhafen.api.JsonProblems.escape(text[p.getTextOffset() + lone]) + UNPAIRED;
                        }
                    }
                    default -> { }
                }
            }
            if (p.nextToken() != null) { // Jackson's tree reader stops at the object's end and takes the rest
                JsonLocation at = p.currentTokenLocation();
                return "the body holds more after its JSON object, at line " + at.getLineNr() + ", column "
                    + at.getColumnNr() + ": one JSON object is all it may hold";
            }
        } catch (JsonProcessingException e) {
            return "the body is not valid JSON in UTF-8: " + de.datenhafen.api.JsonProblems.said(e);
        } catch (IOException e) {
            String detail = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            return "the body is not valid JSON in UTF-8: " + detail;
        }
        return null;
    }

    /** A name as a JSON string, control characters escaped, cut after 64 characters. */
    private static String quoted(String name) {
        String shortened = name.length() <= 64 ? name : name.substring(0, 64) + "... (" + name.length()
            + " characters)";
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(shortened)) + "\"";
    }
}
