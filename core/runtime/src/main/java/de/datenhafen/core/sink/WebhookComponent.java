package de.datenhafen.core.sink;

import de.datenhafen.core.camel.EndpointOptions;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code webhook:} component: {@code webhook:<target-name>?url=...&secret=whsec_...} as a producer delivers each
 * bus event of the exchange (one, or a batch from a {@code bus:} consumer with {@code maxBatch}) to the URL as a
 * CloudEvent, signed as Standard Webhooks says, and returns only when the target answered 2xx. Anything else throws,
 * so the subscription in front retries with back-off, then dead-letters with the reason, and its cursor stays.
 *
 * <p>Parameters: {@code url} (http or https), {@code secret} and, during a rotation, {@code previousSecret}
 * ({@code whsec_<base64>}; both sign), {@code mode} ({@code structured}, default, or {@code binary}),
 * {@code timeoutSeconds} (10), {@code concurrency} (1: how many subjects at once; never two events of one subject),
 * {@code ratePerSecond} (0: no limit), {@code handshake} (false: the CloudEvents webhook validation before the first
 * delivery), {@code caCertificate} (for an https receiver whose certificate a private authority signed: that
 * authority's certificate in PEM form, trusted instead of the JVM's trust store; give it as {@code RAW(...)}, whose
 * lost line breaks do not matter). In a URI, write a secret's {@code +} as {@code %2B} (a bare {@code +} is read as a
 * space, which is taken back to {@code +}). Camel masks {@code secret} and {@code previousSecret} wherever it shows a
 * URI.
 *
 * <p>A 410 Gone stops the integration of the route with the target's answer as reason ({@link IntegrationStop}).
 *
 * <p>The URL's host must be a public address unless the operator listed it ({@link SinkAddressPolicy}): an address
 * written in the URL is refused when the endpoint is made, and every connection goes to an address checked right
 * before it.
 */
public final class WebhookComponent extends DefaultComponent {

    private final Supplier<String> origin;
    private final IntegrationStop stop;
    private final Vertx vertx;
    private final SinkAddressPolicy policy;

    /**
     * @param origin the host name the hub sends as {@code WebHook-Request-Origin} in a handshake
     * @param stop how a target's 410 stops its integration
     * @param vertx whose HTTP client delivers (one client, with its own connection pool, per target)
     * @param policy where targets may be: checked when an endpoint is made and at every connection
     */
    public WebhookComponent(Supplier<String> origin, IntegrationStop stop, Vertx vertx, SinkAddressPolicy policy) {
        this.origin = origin;
        this.stop = stop;
        this.vertx = vertx;
        this.policy = policy;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        EndpointOptions.noReferences("webhook", parameters);
        WebhookTarget target = WebhookTarget.parse(remaining,
            getAndRemoveParameter(parameters, "url", String.class),
            getAndRemoveParameter(parameters, "secret", String.class),
            getAndRemoveParameter(parameters, "previousSecret", String.class),
            getAndRemoveParameter(parameters, "mode", String.class),
            getAndRemoveParameter(parameters, "timeoutSeconds", Integer.class, 10),
            getAndRemoveParameter(parameters, "concurrency", Integer.class, 1),
            getAndRemoveParameter(parameters, "ratePerSecond", Double.class, 0.0),
            getAndRemoveParameter(parameters, "handshake", Boolean.class, false),
            getAndRemoveParameter(parameters, WebhookTarget.CA_CERTIFICATE, String.class), policy);
        EndpointOptions.onlyOwn("webhook", parameters);
        return new SinkEndpoint(uri, this, target.name(), endpoint -> new WebhookProducer(endpoint, target, this));
    }

    Vertx vertx() {
        return vertx;
    }

    SinkAddressPolicy policy() {
        return policy;
    }

    String origin() {
        return origin.get();
    }

    IntegrationStop integrationStop() {
        return stop;
    }
}
