package ${package};

import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code ${pluginId}-readings}: {@code POST /api/v1/plugins/${pluginId}/<path>?meter=<name>} with a whole number as
 * plain text, by an editor of the plugin's member (its token) or a hub-admin, puts a {@code ${pluginId}.reading}
 * event on the bus ({@code {"meter": ..., "value": ...}}, subject the
 * meter) and answers 202 with the event's sequence once it is committed. An invalid reading is a 400 in the hub's
 * error shape, and nothing is stored.
 */
public final class ReadingsConnector implements Connector {

    /** The type of the events this connector puts on the bus. */
    public static final String EVENT_TYPE = "${pluginId}.reading";

    @Override
    public String name() {
        return "${pluginId}-readings";
    }

    @Override
    public String description() {
        return "Takes meter readings POSTed as plain text to /api/v1/plugins/${pluginId}/<path>?meter=<name> and puts "
            + "them on the bus as " + EVENT_TYPE + " events.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("path", ConfigType.STRING, "readings", false,
                "Path of the endpoint below /api/v1/plugins/${pluginId}/")
            .define("max-value", ConfigType.LONG, 1_000_000L, false, "The largest value a reading may have")
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        String path = ctx.config().getString("path");
        long maxValue = ctx.config().getLong("max-value");
        return new RouteBuilder() {
            @Override
            public void configure() {
                // a write door: the owning member's editors (and hub-admins) only; access=public would let anyone
                // put events on the bus in the member's name
                from(ctx.httpEndpoint(path) + "?httpMethodRestrict=POST&maxBodySize=1024&access=member-editor")
                    .routeId(ctx.routeId("post-reading"))
                    .process(e -> {
                        // query parameters arrive as headers (a request header of the same name wins);
                        // a refusal thrown here is the hub's 400
                        Reading reading = Reading.parse(e.getIn().getHeader("meter", String.class),
                            e.getIn().getBody(byte[].class), maxValue);
                        e.getIn().setHeader(BusHeaders.SUBJECT, reading.meter());
                        e.getIn().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
                        e.getIn().setBody(reading.toJson());
                    })
                    .to(ctx.bus(EVENT_TYPE))
                    .process(e -> {
                        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
                        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                        e.getMessage().setBody("{\"sequence\":" + e.getMessage().getHeader(BusHeaders.SEQUENCE) + "}");
                    });
            }
        };
    }
}
