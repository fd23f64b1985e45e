package de.datenhafen.plugins.core;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import java.util.List;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code webhook-sink}: delivers each bus event of the given types to an HTTP(S) URL as a CloudEvent signed as the
 * Standard Webhooks specification says, through the hub's {@code webhook:} component: at least once, in order per
 * subject, the subscription's cursor moving only after a 2xx; retries with back-off, then dead letters with the reason;
 * a 410 Gone stops the integration with that reason.
 */
public final class WebhookSinkConnector implements Connector {

    static final String NAME = "webhook-sink";
    /** Events one exchange carries per parallel subject lane: enough to keep the lanes busy, bounded in memory. */
    private static final int BATCH_PER_LANE = 8;
    private static final String SECRET = "whsec_[A-Za-z0-9+/]{32,88}={0,2}";
    private static final String SECRET_MEANING = "a Standard Webhooks secret: whsec_ and 24 to 64 random bytes in "
        + "base64 (for example: echo whsec_$(openssl rand -base64 32))";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Delivers bus events to an HTTP(S) URL as signed CloudEvents (Standard Webhooks), at least once and in "
            + "order per subject, with retries, dead letters, a time-out, concurrency and a rate limit.";
    }

    @Override
    public ConfigDef config() {
        ConfigDef.Builder b = SinkUri.events(ConfigDef.builder(), NAME)
            .define("url", ConfigType.STRING, null, true, "Where events are POSTed (http or https); redirects are "
                + "not followed")
            .check("url", ConfigCheck.url("https", "http"))
            .sinkTarget("url") // a public address unless the hub's operator allows more: /validate checks it too
            .secret("secret", ConfigType.STRING, null, true, "Signing secret, whsec_<base64>; the receiver checks "
                + "the webhook-signature header with it")
            .check("secret", ConfigCheck.pattern(SECRET, SECRET_MEANING))
            .secret("previous-secret", ConfigType.STRING, null, false, "During a rotation: the old secret, which "
                + "signs too, so a receiver that knows either one accepts; remove it when the receiver has the new")
            .check("previous-secret", ConfigCheck.pattern(SECRET, SECRET_MEANING))
            .define("mode", ConfigType.STRING, "structured", false, "CloudEvents HTTP binding: structured (the "
                + "whole event as application/cloudevents+json) or binary (the data as body, attributes in ce- "
                + "headers)")
            .check("mode", ConfigCheck.oneOf("structured", "binary"))
            .define("timeout-seconds", ConfigType.INT, 10, false, "How long one delivery may wait for the answer")
            .check("timeout-seconds", ConfigCheck.range(1, 300))
            .define("concurrency", ConfigType.INT, 1, false, "How many subjects are delivered at once; events of "
                + "one subject are never under way at once")
            .check("concurrency", ConfigCheck.range(1, 64))
            .define("rate-per-second", ConfigType.DOUBLE, 0.0, false, "Most requests a second; 0 for no limit")
            .check("rate-per-second", ConfigCheck.range(0, 10_000))
            .define("handshake", ConfigType.BOOLEAN, false, false, "Send the CloudEvents webhook validation "
                + "(OPTIONS with WebHook-Request-Origin) before the first delivery, for targets that ask for it");
        return SinkUri.caCertificate(b, "an https url").build();
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        return SinkUri.problems(config, "url", "https");
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        Config c = ctx.config();
        int concurrency = c.getInt("concurrency");
        String from = SinkUri.from(ctx, NAME, concurrency == 1 ? 1 : concurrency * BATCH_PER_LANE);
        String to = SinkUri.of("webhook", ctx.integrationName())
            .param("url", c.getString("url"))
            .param("secret", c.getString("secret"))
            .param("previousSecret", SinkUri.value(c, "previous-secret"))
            .param("mode", c.getString("mode"))
            .param("timeoutSeconds", c.getInt("timeout-seconds"))
            .param("concurrency", concurrency)
            .param("ratePerSecond", c.getDouble("rate-per-second"))
            .param("handshake", c.getBoolean("handshake"))
            // RAW like every value: its line breaks are lost on the way, which the hub's reading does not mind
            .param("caCertificate", SinkUri.value(c, SinkUri.CA_CERTIFICATE))
            .uri();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(from).routeId(ctx.routeId("deliver")).to(to);
            }
        };
    }
}
