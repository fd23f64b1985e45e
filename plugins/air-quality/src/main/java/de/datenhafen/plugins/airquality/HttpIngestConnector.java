package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code airquality-http}: {@code POST /api/v1/plugins/air-quality/<path>} takes The Things Stack v3 uplink messages
 * (its webhook), ChirpStack v4 uplink events (its HTTP integration) and the plain batch form, one or an array. Every
 * valid reading becomes an {@code air.reading} event, committed before the answer: 202 {@code {"accepted": n}} when
 * all were valid; 400 naming the first refused reading's device and field, with all refused ones listed and the
 * valid rest stored, otherwise.
 */
final class HttpIngestConnector implements Connector {

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
        return FieldMapping.declare(ConfigDef.builder()
                .define("path", ConfigType.STRING, "uplinks", false, "Path of the endpoint below the plugin's root")
                .define("max-future", ConfigType.DURATION, "10m", false,
                    "A reading time further ahead of the hub's clock than this is refused")
                .define("max-body", ConfigType.INT, 4 * 1024 * 1024, false, "Largest accepted body, in bytes")
                .secret("token", ConfigType.STRING, null, false,
                    "If set, a caller must send it as 'Authorization: Bearer <token>' (network servers can add a "
                        + "header to their webhooks)"))
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        String path = ctx.config().getString("path");
        int maxBody = ctx.config().getInt("max-body");
        byte[] token = ctx.config().has("token")
            ? ctx.config().getString("token").getBytes(StandardCharsets.UTF_8) : null;
        Ingest ingest = new Ingest(new UplinkParser(FieldMapping.from(ctx.config()),
            ctx.config().getDuration("max-future"), Clock.systemUTC()), air.registry);
        BusPublisher bus = new BusPublisher(ctx.bus(Ingest.READING));
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(ctx.httpEndpoint(path) + "?httpMethodRestrict=POST")
                    .routeId(ctx.routeId("uplinks"))
                    .process(e -> handle(e, token, maxBody, ingest, bus));
            }
        };
    }

    private static void handle(Exchange e, byte[] token, int maxBody, Ingest ingest, BusPublisher bus)
        throws Exception {
        try {
            if (token != null) {
                Http.requireToken(e, token);
            }
            byte[] body = e.getIn().getBody(byte[].class);
            if (body != null && body.length > maxBody) {
                throw new Http.Refused(413, "body", "the body has " + body.length + " bytes, at most " + maxBody
                    + " are accepted");
            }
            Ingest.Outcome out;
            try {
                out = ingest.accept(body);
            } catch (UplinkParser.BodyException ex) {
                throw new Http.Refused(400, "body", ex.getMessage());
            }
            bus.publish(e, out.events());
            answer(e, out);
        } catch (Http.Refused r) {
            Http.refuse(e, r);
        }
    }

    static void answer(Exchange e, Ingest.Outcome out) {
        if (out.problems().isEmpty()) {
            Http.answer(e, 202, Http.JSON.createObjectNode().put("accepted", out.events().size()));
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
        body.put("accepted", out.events().size());
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
