package de.datenhafen.core.camel;

import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Consumer;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One plugin HTTP path served by the hub's router; see {@link HubHttpComponent} for what it does and its options. */
final class HubHttpEndpoint extends DefaultEndpoint implements MultipleConsumersSupport {

    private final String path;
    private String httpMethodRestrict;
    private boolean matchOnUriPrefix;
    private long maxBodySize;
    private String access = "public";
    private int clientRate;
    private String audit = WRITES;

    /** Every call that may change data (any method but GET, HEAD and OPTIONS) is audited, and every refusal. */
    static final String WRITES = "writes";
    /** Only refusals are audited: for machine ingest, whose accepted data the bus keeps with its member and source. */
    static final String REFUSALS = "refusals";

    HubHttpEndpoint(String uri, HubHttpComponent component, String path) {
        super(uri, component);
        this.path = path;
    }

    @Override
    public HubHttpComponent getComponent() {
        return (HubHttpComponent) super.getComponent();
    }

    String path() {
        return path;
    }

    /** The methods the route answers; empty for all. */
    List<HttpMethod> methods() {
        List<HttpMethod> out = new ArrayList<>();
        if (httpMethodRestrict != null) {
            for (String m : httpMethodRestrict.split(",")) {
                if (!m.isBlank()) {
                    out.add(HttpMethod.valueOf(m.trim().toUpperCase(Locale.ROOT)));
                }
            }
        }
        return out;
    }

    public String getHttpMethodRestrict() {
        return httpMethodRestrict;
    }

    public void setHttpMethodRestrict(String httpMethodRestrict) {
        this.httpMethodRestrict = httpMethodRestrict;
    }

    public boolean isMatchOnUriPrefix() {
        return matchOnUriPrefix;
    }

    public void setMatchOnUriPrefix(boolean matchOnUriPrefix) {
        this.matchOnUriPrefix = matchOnUriPrefix;
    }

    public long getMaxBodySize() {
        return maxBodySize;
    }

    public void setMaxBodySize(long maxBodySize) {
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("maxBodySize must be 0 or more bytes, is " + maxBodySize);
        }
        this.maxBodySize = maxBodySize;
    }

    /**
     * Who may call: {@code public} (anyone; a caller who sent hub credentials is still named in
     * {@link de.datenhafen.api.BusHeaders#CALLER}), or a role of the plugin's owning member ({@code viewer},
     * {@code member-editor}, {@code member-admin}; a hub-admin always may), or {@code hub-admin}. The hub answers
     * 401 or 403 for the route, which is not called.
     */
    public String getAccess() {
        return access;
    }

    public void setAccess(String access) {
        if (!access.equals("public") && !de.datenhafen.api.Caller.ROLES.contains(access)) {
            throw new IllegalArgumentException("access is public or one of " + de.datenhafen.api.Caller.ROLES
                + ", not " + access);
        }
        this.access = access;
    }

    /**
     * How many requests a second one client (an IPv4 address, an IPv6 /64) may make to this endpoint, five seconds'
     * worth at once; past it the hub answers 503 with {@code Retry-After} before it reads the body, and the route is
     * not called. 0 (the default): no bound. For doors an admin opens to anyone, where nothing else bounds a sender.
     */
    public int getClientRate() {
        return clientRate;
    }

    public void setClientRate(int clientRate) {
        if (clientRate < 0) {
            throw new IllegalArgumentException("clientRate must be 0 (no bound) or more requests a second, is "
                + clientRate);
        }
        this.clientRate = clientRate;
    }

    /**
     * What of this endpoint's calls the hub's audit log keeps: {@code writes} (the default: every call that may change
     * data, with its caller, outcome and path parameters, and every refusal), or {@code refusals} (only 401, 403 and
     * 429), for high-volume machine ingest whose accepted events the bus keeps anyway, each with its member and
     * source.
     */
    public String getAudit() {
        return audit;
    }

    public void setAudit(String audit) {
        if (!audit.equals(WRITES) && !audit.equals(REFUSALS)) {
            throw new IllegalArgumentException("audit is " + WRITES + " or " + REFUSALS + ", not " + audit);
        }
        this.audit = audit;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("hub-http endpoints only receive requests; use camel-http to send");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        HubHttpConsumer consumer = new HubHttpConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /**
     * Yes to Camel, so that its raw "Multiple consumers for the same endpoint" never reaches an admin: the component
     * refuses a second integration on a path itself, naming the path and its holder ({@link HubHttpComponent#serve}).
     */
    @Override
    public boolean isMultipleConsumersSupported() {
        return true;
    }

    @Override
    public boolean isLenientProperties() {
        return false;
    }
}
