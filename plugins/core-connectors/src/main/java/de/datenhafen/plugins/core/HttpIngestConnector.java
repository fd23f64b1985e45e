package de.datenhafen.plugins.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code http-ingest}: an HTTP endpoint below {@code /api/v1/plugins/core-connectors/} that takes a JSON object per
 * POST and puts it on the bus as one event of the configured type. The answer (202, with the event's sequence and
 * whether it was a duplicate) comes after the event is committed. Closed by default: callers send the configured
 * token in {@code X-Token}, unless the admin set {@code anonymous: true}.
 */
public final class HttpIngestConnector implements Connector {

    /** Subjects are kept in an indexed column; longer ones are refused with a 400 naming the header. */
    static final int MAX_SUBJECT = 1024;

    /** Strict JSON: one value, nothing after it, nesting bounded so a hostile body cannot exhaust the stack. */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
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
            .secret("token", ConfigType.STRING, null, false,
                "The value callers must send in the X-Token header; required unless anonymous is true")
            .define("anonymous", ConfigType.BOOLEAN, false, false,
                "Accept posts without a token: anyone who reaches the hub may put events of this type on the bus")
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        String path = ctx.config().getString("path");
        String type = ctx.config().getString("type");
        String subjectHeader = ctx.config().getString("subject-header");
        int maxBody = ctx.config().getInt("max-body");
        boolean anonymous = ctx.config().getBoolean("anonymous");
        byte[] token = ctx.config().has("token")
            ? ctx.config().getString("token").getBytes(StandardCharsets.UTF_8) : null;
        if (token == null && !anonymous) {
            throw new InvalidInputException("an ingest is closed by default: set a token (callers send it in "
                + "X-Token) or anonymous: true to let anyone post", "config.token");
        }
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(ctx.httpEndpoint(path) + "?httpMethodRestrict=POST&maxBodySize=" + maxBody)
                    .routeId(ctx.routeId("ingest"))
                    .process(e -> {
                        String given = e.getIn().getHeader("X-Token", String.class);
                        if (token != null && (given == null
                            || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8)))) {
                            answer(e, 401, "{\"error\":\"missing or wrong X-Token\",\"field\":\"X-Token\"}");
                            return;
                        }
                        byte[] body = e.getIn().getBody(byte[].class);
                        if (body == null || body.length == 0) {
                            InvalidInputException empty = InvalidInputException.emptyBody("one JSON object");
                            answer(e, 400, "{\"error\":" + JSON.writeValueAsString(empty.getMessage())
                                + ",\"field\":\"" + empty.field() + "\"}");
                            return;
                        }
                        String problem = notOneJsonObject(body);
                        if (problem != null) {
                            answer(e, 400, "{\"error\":" + JSON.writeValueAsString(problem) + ",\"field\":\"body\"}");
                            return;
                        }
                        String subject = e.getIn().getHeader(subjectHeader, String.class);
                        if (subject != null && subject.length() > MAX_SUBJECT) {
                            answer(e, 400, "{\"error\":\"the subject has " + subject.length() + " characters, at most "
                                + MAX_SUBJECT + " are accepted\",\"field\":" + JSON.writeValueAsString(subjectHeader)
                                + "}");
                            return;
                        }
                        e.getIn().setBody(body);
                        e.getIn().setHeader(BusHeaders.SUBJECT, subject);
                        e.getIn().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
                        e.setProperty("accepted", true);
                    })
                    .filter(exchangeProperty("accepted"))
                        .to(ctx.bus(type))
                        .process(e -> answer(e, 202, "{\"sequence\":" + e.getMessage().getHeader(BusHeaders.SEQUENCE)
                            + ",\"duplicate\":" + (e.getMessage().getHeader(BusHeaders.DUPLICATES, 0, Integer.class) > 0)
                            + "}"))
                    .end();
            }
        };
    }

    /** Why the body is not exactly one JSON object in valid UTF-8, or null when it is. */
    static String notOneJsonObject(byte[] body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            String detail = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            return "the body is not valid JSON in UTF-8: " + detail;
        }
        if (node == null || !node.isObject()) {
            return "the body must be one JSON object";
        }
        return null;
    }

    private static void answer(Exchange e, int status, String json) {
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(json);
    }
}
