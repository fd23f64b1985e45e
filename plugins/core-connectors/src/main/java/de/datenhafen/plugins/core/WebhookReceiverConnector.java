package de.datenhafen.plugins.core;

import com.fasterxml.jackson.databind.JsonNode;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.HttpRequests;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import java.io.IOException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code webhook-receiver}: takes signed webhooks in, at {@code /api/v1/plugins/core-connectors/webhooks/<path>}. Each
 * delivery is checked as the Standard Webhooks specification says by the hub's {@code webhook-in:} component (the
 * same signing code the {@code webhook-sink} uses): a missing or wrong signature, a timestamp more than the tolerance
 * from the hub's clock, or an exact copy of a delivery already taken is refused with a JSON error naming the header,
 * and nothing is stored. A good one goes on the bus as one event: its type is {@code type} (by default
 * {@code <owning member>.webhook.received}), its id the delivery's {@code webhook-id} (a sender's new attempt of the
 * same message is stored once), its subject the delivered CloudEvent's (or the request header {@code ce-subject},
 * which the signature does not cover: only the body is signed), and its data the body as delivered (a structured CloudEvent: the whole event), which must be one JSON object that every
 * reader reads alike (else 400 naming {@code body}). The answer, 202 with the sequence, comes once it is
 * committed.
 *
 * <p>The endpoint is public to the hub: the signature is the sender's credential, as with any webhook.
 */
public final class WebhookReceiverConnector implements Connector {

    static final String NAME = "webhook-receiver";
    /** Where the receivers' paths are, below the plugin's root: keeps them apart from http-ingest's. */
    static final String PREFIX = "webhooks/";
    private static final String SECRET = "whsec_[A-Za-z0-9+/]{32,88}={0,2}";
    private static final String SECRET_MEANING = "a Standard Webhooks secret: whsec_ and 24 to 64 random bytes in "
        + "base64 (for example: echo whsec_$(openssl rand -base64 32))";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Takes signed webhooks (Standard Webhooks) POSTed to /api/v1/plugins/core-connectors/webhooks/<path>, "
            + "refuses bad, old and replayed deliveries, and puts each good one on the bus as an event.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("path", ConfigType.STRING, null, true, "The receiver's path below "
                + "/api/v1/plugins/core-connectors/webhooks/")
            .check("path", ConfigCheck.pattern("[a-z0-9][a-z0-9._-]{0,62}",
                "one path segment: lower-case letters, digits, dots, dashes and underscores"))
            .secret("secret", ConfigType.STRING, null, true, "The sender's signing secret, whsec_<base64>")
            .check("secret", ConfigCheck.pattern(SECRET, SECRET_MEANING))
            .secret("previous-secret", ConfigType.STRING, null, false, "During a rotation: the old secret; a "
                + "delivery signed with either one is taken")
            .check("previous-secret", ConfigCheck.pattern(SECRET, SECRET_MEANING))
            .define("type", ConfigType.STRING, null, false, "The type of the events it puts on the bus; default "
                + "<owning member>.webhook.received")
            .define("tolerance-seconds", ConfigType.INT, 300, false, "How far a delivery's webhook-timestamp may be "
                + "from the hub's clock, either way")
            .check("tolerance-seconds", ConfigCheck.range(1, 3600))
            .define("max-body", ConfigType.INT, 65536, false, "Largest accepted body, in bytes")
            .check("max-body", ConfigCheck.range(1, 1_048_576))
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        Config c = ctx.config();
        String type = c.has("type") ? c.getString("type")
            : ctx.plugin().owner().map(m -> m + ".webhook.received").orElse("webhook.received");
        String check = SinkUri.of("webhook-in", ctx.integrationName())
            .param("secret", c.getString("secret"))
            .param("previousSecret", SinkUri.value(c, "previous-secret"))
            .param("toleranceSeconds", c.getInt("tolerance-seconds"))
            .uri();
        String from = ctx.httpEndpoint(PREFIX + c.getString("path")) + "?httpMethodRestrict=POST&audit=refusals"
            + "&maxBodySize=" + c.getInt("max-body");
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(from).routeId(ctx.routeId("receive"))
                    .to(check)
                    .process(WebhookReceiverConnector::asEvent)
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
     * A checked delivery as the bus event: its webhook-id as id, the CloudEvent's subject, the body as data. The body
     * goes on the bus as it came, so it is held to the rules http-ingest keeps ({@link
     * HttpIngestConnector#notOneJsonObject}: well-formed UTF-8, no lone surrogate, each name once, nothing after the
     * object); a signature says who sent it, not that every reader reads it alike. The headers are the request's
     * own ({@link HttpRequests#header}): a query parameter of their names never stands in for them.
     */
    static void asEvent(Exchange e) {
        byte[] body = e.getMessage().getBody(byte[].class);
        String problem = HttpIngestConnector.notOneJsonObject(body == null ? new byte[0] : body);
        if (problem != null) {
            throw new InvalidInputException(problem, "body");
        }
        JsonNode json;
        try {
            json = HttpIngestConnector.JSON.readTree(body);
        } catch (IOException ex) { // read once already: not expected
            throw new IllegalStateException("a checked JSON body could not be read again", ex);
        }
        String subject = json.path("subject").isTextual() ? json.path("subject").asText()
            : HttpRequests.header(e, "ce-subject");
        if (subject != null && subject.length() > HttpIngestConnector.MAX_SUBJECT) {
            throw new InvalidInputException("the subject has " + subject.length() + " characters, at most "
                + HttpIngestConnector.MAX_SUBJECT + " are accepted", "subject");
        }
        e.getMessage().setHeader(BusHeaders.ID, HttpRequests.header(e, "webhook-id"));
        e.getMessage().setHeader(BusHeaders.SUBJECT, subject);
        e.getMessage().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
        e.getMessage().setBody(body);
    }
}
