package de.datenhafen.plugins.core;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code http-ingest}: an HTTP endpoint below {@code /api/v1/plugins/core-connectors/} that takes a JSON object per
 * POST and puts it on the bus as one event of the configured type. The answer (202, with the event's sequence)
 * comes after the event is committed. Optionally guarded by a shared token in {@code X-Token}.
 */
public final class HttpIngestConnector implements Connector {

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
                "If set, a caller must send this value in the X-Token header")
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        String path = ctx.config().getString("path");
        String type = ctx.config().getString("type");
        String subjectHeader = ctx.config().getString("subject-header");
        int maxBody = ctx.config().getInt("max-body");
        byte[] token = ctx.config().has("token")
            ? ctx.config().getString("token").getBytes(StandardCharsets.UTF_8) : null;
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(ctx.httpEndpoint(path) + "?httpMethodRestrict=POST")
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
                            answer(e, 400, "{\"error\":\"the body is empty: send one JSON object\",\"field\":\"body\"}");
                            return;
                        }
                        if (body.length > maxBody) {
                            answer(e, 413, "{\"error\":\"the body has " + body.length + " bytes, at most " + maxBody
                                + " are accepted\",\"field\":\"body\"}");
                            return;
                        }
                        String json = new String(body, StandardCharsets.UTF_8).trim();
                        if (!json.startsWith("{") || !json.endsWith("}")) {
                            answer(e, 400, "{\"error\":\"the body must be one JSON object\",\"field\":\"body\"}");
                            return;
                        }
                        e.getIn().setBody(json);
                        e.getIn().setHeader(BusHeaders.SUBJECT, e.getIn().getHeader(subjectHeader, String.class));
                        e.getIn().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
                        e.setProperty("accepted", true);
                    })
                    .filter(exchangeProperty("accepted"))
                        .to(ctx.bus(type))
                        .process(e -> answer(e, 202, "{\"sequence\":"
                            + e.getMessage().getHeader(BusHeaders.SEQUENCE) + "}"))
                    .end();
            }
        };
    }

    private static void answer(Exchange e, int status, String json) {
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(json);
    }
}
