package de.datenhafen.core.camel;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.Caller;
import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.HttpRequests;
import de.datenhafen.api.PayloadTooLargeException;
import de.datenhafen.api.RetryableException;
import de.datenhafen.api.UnauthorizedException;
import de.datenhafen.core.http.BodyBudget;
import de.datenhafen.core.http.ClientAddress;
import de.datenhafen.core.http.Errors;
import de.datenhafen.core.http.HttpApi;
import de.datenhafen.core.http.LogText;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@link HubHttpEndpoint}: reads the body up to its limit on the event loop, runs the route on the owning
 * plugin's pool and writes the answer back on the event loop. See {@link HubHttpComponent} for the rules.
 */
final class HubHttpConsumer extends DefaultConsumer implements Suspendable {

    private static final Logger LOG = LoggerFactory.getLogger(HubHttpConsumer.class);
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^/}]+)}");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final int STREAM_CHUNK = 64 * 1024;
    /** Response headers the consumer sets itself, whatever a route put into the exchange. */
    private static final Set<String> OWN = Set.of("content-length", "transfer-encoding", "connection", "host",
        "content-type", "keep-alive", "upgrade", "te", "trailer", "x-request-id");

    private Route route;
    /** The endpoint's {@code clientRate}, null without one. */
    private volatile ClientRate rate;

    HubHttpConsumer(HubHttpEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public HubHttpEndpoint getEndpoint() {
        return (HubHttpEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        HubHttpEndpoint endpoint = getEndpoint();
        rate = endpoint.getClientRate() > 0 ? new ClientRate(endpoint.getClientRate()) : null;
        String path = endpoint.path();
        if (endpoint.isMatchOnUriPrefix() && !path.endsWith("*")) {
            path += "*";
        }
        RouteOwner owner = endpoint.getComponent().owner(getRouteId());
        // Claimed before the router serves it: a path another integration holds is refused, and its holder's route
        // keeps answering.
        endpoint.getComponent().serve(this, new HubHttpComponent.PluginRoute(owner == null ? "hub" : owner.pluginId(),
            owner == null ? null : owner.integration(), endpoint.path(),
            endpoint.methods().stream().map(HttpMethod::name).toList(), endpoint.isMatchOnUriPrefix(),
            endpoint.getAccess()));
        Route r = endpoint.getComponent().settings().router().route(PATH_PARAMETER.matcher(path).replaceAll(":$1"));
        for (HttpMethod m : endpoint.methods()) {
            r.method(m);
        }
        r.handler(this::handle);
        route = r;
    }

    @Override
    protected void doStop() throws Exception {
        if (route != null) {
            route.remove();
            route = null;
        }
        getEndpoint().getComponent().gone(this);
        super.doStop();
    }

    private void handle(RoutingContext ctx) {
        if (isSuspended() || !isRunAllowed()) {
            Errors.respond(ctx, new RetryableException("this endpoint's integration is paused; try again when an "
                + "admin resumes it", Duration.ofSeconds(30)));
            return;
        }
        if (rate != null) {
            String client = ClientAddress.network(ClientAddress.of(ctx.request()));
            long wait = rate.take(client == null ? "" : client, System.nanoTime());
            if (wait > 0) {
                // before the body is read: a sender past its rate costs the hub no memory for its body, and no line
                // in the audit log (the endpoint's refusals are not noted: a flood would write one each)
                int perSecond = getEndpoint().getClientRate();
                BodyBudget.refuseUnread(ctx, new RetryableException("this endpoint takes at most " + perSecond
                    + (perSecond == 1 ? " request" : " requests") + " a second from one address; send this one again "
                    + "in a moment", Duration.ofNanos(wait)));
                return;
            }
        }
        CallerResolver.Credentials credentials = credentials(ctx);
        if (!getEndpoint().getAccess().equals("public") && !credentials.any()) {
            // before the body is read: an anonymous client cannot hold the hub's memory for bodies at a guarded door
            noteForAudit(ctx);
            BodyBudget.refuseUnread(ctx, new UnauthorizedException("this endpoint needs a token (Authorization: "
                + "Bearer <token>) or a session with the role " + getEndpoint().getAccess()));
            return;
        }
        long max = getEndpoint().getMaxBodySize();
        getEndpoint().getComponent().settings().bodies().read(ctx, max, announced -> new PayloadTooLargeException(
            "the body is larger than the " + max + " bytes this endpoint accepts"), body -> dispatch(ctx, body, credentials));
    }

    private void dispatch(RoutingContext ctx, byte[] body, CallerResolver.Credentials credentials) {
        Exchange exchange = createExchange(false);
        exchange.setPattern(ExchangePattern.InOut);
        Message in = exchange.getIn();
        try {
            populate(ctx, in);
        } catch (RuntimeException e) {
            releaseExchange(exchange, false);
            ctx.fail(e);
            return;
        }
        in.setBody(body.length == 0 ? null : body);
        // What came from the request, by identity: a header the route did not set or replace is never echoed.
        Map<String, Object> inbound = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        inbound.putAll(in.getHeaders());
        Context context = ctx.vertx().getOrCreateContext();
        noteForAudit(ctx);
        try {
            pool(exchange).execute(() -> {
                Caller[] caller = {null};
                try {
                    caller[0] = resolve(credentials);
                    if (caller[0] != null) {
                        in.setHeader(BusHeaders.CALLER, caller[0]);
                        context.runOnContext(v -> ctx.put(CallerResolver.CONTEXT_KEY, caller[0]));
                    }
                    admit(caller[0], pluginOf(exchange), ctx.normalizedPath());
                } catch (RuntimeException refused) {
                    context.runOnContext(v -> {
                        releaseExchange(exchange, false);
                        Errors.respond(ctx, refused);
                    });
                    return;
                }
                process(exchange, () -> context.runOnContext(v -> answer(ctx, exchange, inbound)));
            });
        } catch (RejectedExecutionException e) {
            releaseExchange(exchange, false);
            Errors.respond(ctx, new RetryableException("the plugin " + pluginOf(exchange)
                + " has too many requests in progress; try again shortly", Duration.ofSeconds(1)));
        }
    }

    /**
     * Names the call for the audit log: the plugin's route template and its path parameters (never the body, query
     * or headers), and whether a write is kept ({@code audit=writes}) or only a refusal.
     */
    private void noteForAudit(RoutingContext ctx) {
        HubHttpEndpoint endpoint = getEndpoint();
        String template = endpoint.path();
        ctx.put(HttpApi.AUDIT_ACTION, ctx.request().method().name() + " " + template
            + (endpoint.isMatchOnUriPrefix() ? "*" : ""));
        Map<String, String> target = new TreeMap<>();
        ctx.pathParams().forEach((k, v) -> {
            if (!k.equals("*")) { // Vert.x names a prefix route's rest "*"; it is the path below
                target.put(k, v); // escaped and cut as the audit keeps a request's values
            }
        });
        String path = ctx.normalizedPath();
        if (endpoint.isMatchOnUriPrefix() && path.length() > template.length() && path.startsWith(template)) {
            target.put("path", path.substring(template.length()));
        }
        target.forEach((name, value) -> HttpApi.auditNames(ctx, name, value));
        ctx.put(HttpApi.AUDIT_WRITES, endpoint.getAudit().equals(HubHttpEndpoint.WRITES));
    }

    private static CallerResolver.Credentials credentials(RoutingContext ctx) {
        HttpServerRequest r = ctx.request();
        io.vertx.core.http.Cookie session = r.getCookie("dh_session");
        boolean write = !(r.method() == HttpMethod.GET || r.method() == HttpMethod.HEAD
            || r.method() == HttpMethod.OPTIONS);
        return new CallerResolver.Credentials(r.getHeader(HttpHeaders.AUTHORIZATION),
            session == null ? null : session.getValue(), r.getHeader("X-CSRF-Token"), write,
            de.datenhafen.core.http.ClientAddress.of(r));
    }

    /**
     * The caller of the request (null for one without credentials the hub knows), or 401 when this endpoint's
     * {@code access} needs one and the credentials are wrong (missing ones {@link #handle} refused before the body).
     * Then {@link #admit} refuses with 403 a caller without the role for the plugin's owning member or whose token is
     * scoped elsewhere.
     */
    private Caller resolve(CallerResolver.Credentials credentials) {
        boolean guarded = !getEndpoint().getAccess().equals("public");
        return credentials.any() ? getEndpoint().getComponent().settings().callers().resolve(credentials, guarded)
            .orElse(null) : null;
    }

    private void admit(Caller caller, String plugin, String path) {
        HubHttpComponent.Settings settings = getEndpoint().getComponent().settings();
        String access = getEndpoint().getAccess();
        if (access.equals("public")) {
            return;
        }
        if (!caller.reaches(path, plugin)) {
            throw new ForbiddenException("this token is scoped to " + (caller.scopePlugin() != null
                ? "plugin " + caller.scopePlugin() : "paths under " + caller.scopePath()), "Authorization");
        }
        String owner = settings.ownerOf().apply(plugin);
        boolean allowed = access.equals(Caller.HUB_ADMIN) ? caller.isHubAdmin() : caller.actsFor(owner, access);
        if (!allowed) {
            throw new ForbiddenException("this endpoint needs the role " + access + (access.equals(Caller.HUB_ADMIN)
                ? "" : " of member " + (owner == null ? "(none: plugin " + plugin + " has no owning member yet)"
                : owner) + " (or hub-admin)"), "Authorization");
        }
    }

    /** The plugin whose route took the exchange ({@code hub} for a route no plugin owns). */
    private String pluginOf(Exchange exchange) {
        RouteOwner owner = getEndpoint().getComponent().owner(exchange.getFromRouteId());
        return owner == null ? "hub" : owner.pluginId();
    }

    private ExecutorService pool(Exchange exchange) {
        return getEndpoint().getComponent().pool(pluginOf(exchange));
    }

    private void process(Exchange exchange, Runnable then) {
        try {
            createUoW(exchange);
        } catch (Exception e) {
            exchange.setException(e);
            then.run();
            return;
        }
        getAsyncProcessor().process(exchange, doneSync -> then.run());
    }

    /**
     * Request headers, query parameters and path parameters as message headers, and Camel's HTTP headers. A request
     * header wins over a query parameter of its name (case-insensitively), whose values are left out rather than
     * merged in: a parameter cannot stand in for a header that a proxy in front of the hub strips or sets, nor turn
     * it into a list that reads differently as a String. The request's own headers are kept apart as well, for
     * {@link HttpRequests#header}, which no query parameter reaches even where no header has its name.
     */
    private void populate(RoutingContext ctx, Message in) {
        HttpServerRequest request = ctx.request();
        Map<String, Object> headers = in.getHeaders();
        Map<String, List<String>> own = requestHeaders(request.headers());
        own.forEach((name, values) -> headers.put(name, values.size() == 1 ? values.get(0) : new ArrayList<>(values)));
        copyQuery(ctx.queryParams(), headers, own);
        // under the hub's prefix, which neither a request header nor a query parameter keeps: no request can forge it
        headers.put(HttpRequests.REQUEST_HEADERS, own);
        ctx.pathParams().forEach((k, v) -> {
            if (!internal(k)) {
                headers.put(k, v);
                // set after the request's headers were copied (and the hub's prefix dropped): no request can forge it
                headers.put(HttpRequests.PATH_PARAMETERS + k, v);
            }
        });
        // after the request's headers too: the client as the hub's limits count it (HttpRequests.client)
        headers.put(HttpRequests.CLIENT, ClientAddress.network(ClientAddress.of(request)));
        String query = request.query();
        headers.put(Exchange.HTTP_METHOD, request.method().name());
        headers.put(Exchange.HTTP_PATH, ctx.normalizedPath());
        headers.put(Exchange.HTTP_URI, request.uri());
        headers.put(Exchange.HTTP_QUERY, query);
        headers.put(Exchange.HTTP_RAW_QUERY, query);
        // The hub's public URL, never the request's Host header: links built from it cannot be pointed elsewhere.
        String base = getEndpoint().getComponent().settings().publicUrl().get();
        headers.put(Exchange.HTTP_URL, base + request.path());
        String charset = ctx.parsedHeaders().contentType().parameter("charset");
        if (charset != null) {
            headers.put(Exchange.HTTP_CHARACTER_ENCODING, charset);
        }
    }

    /** The request's headers but those {@link #internal}, read-only, by case-insensitive name, values in order. */
    private static Map<String, List<String>> requestHeaders(MultiMap from) {
        Map<String, List<String>> own = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> e : from.entries()) {
            if (!internal(e.getKey())) {
                own.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue());
            }
        }
        own.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(own);
    }

    /**
     * The query parameters whose names no request header has (as {@code own} holds them), a name given more than
     * once as a list of its values.
     */
    private static void copyQuery(MultiMap from, Map<String, Object> to, Map<String, List<String>> own) {
        for (Map.Entry<String, String> e : from.entries()) {
            String name = e.getKey();
            if (internal(name) || own.containsKey(name)) {
                continue;
            }
            Object existing = to.get(name);
            if (existing == null) {
                to.put(name, e.getValue());
            } else if (existing instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<Object> values = (List<Object>) list;
                values.add(e.getValue());
            } else {
                List<Object> values = new ArrayList<>(2);
                values.add(existing);
                values.add(e.getValue());
                to.put(name, values);
            }
        }
    }

    /** Names only the hub and Camel may set inside an exchange. */
    static boolean internal(String name) {
        return name.regionMatches(true, 0, BusHeaders.PREFIX, 0, BusHeaders.PREFIX.length())
            || name.regionMatches(true, 0, "Camel", 0, 5)
            || name.regionMatches(true, 0, "org.apache.camel", 0, 16);
    }

    private void answer(RoutingContext ctx, Exchange exchange, Map<String, Object> inbound) {
        HttpServerResponse response = ctx.response();
        try {
            if (response.ended() || response.closed()) {
                return;
            }
            Exception failure = exchange.getException();
            if (failure == null) {
                failure = exchange.getProperty(PluginRouteErrors.ANSWER, Exception.class);
            }
            if (failure != null) {
                Errors.respond(ctx, failure);
                return;
            }
            Message out = exchange.getMessage();
            Object body = out.getBody();
            Integer code = out.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            response.setStatusCode(code != null ? code : body == null ? 204 : 200);
            String contentType = null;
            for (Map.Entry<String, Object> h : out.getHeaders().entrySet()) {
                String name = h.getKey();
                Object value = h.getValue();
                if (value == null || internal(name) || inbound.get(name) == value) {
                    continue;
                }
                if (name.equalsIgnoreCase("Content-Type")) {
                    contentType = value.toString();
                } else if (!OWN.contains(name.toLowerCase(Locale.ROOT))) {
                    putChecked(response, name, value);
                }
            }
            write(ctx, exchange, body, contentType);
        } catch (RuntimeException e) {
            LOG.error("Answer of {} failed", LogText.escape(ctx.request().path()), e);
            Errors.respond(ctx, e);
        } finally {
            if (!(exchange.getMessage().getBody() instanceof InputStream)) {
                done(exchange);
            }
        }
    }

    private void done(Exchange exchange) {
        doneUoW(exchange);
        releaseExchange(exchange, false);
    }

    private void putChecked(HttpServerResponse response, String name, Object value) {
        Iterable<?> values = value instanceof Iterable<?> it ? it : List.of(value);
        List<String> checked = new ArrayList<>();
        for (Object v : values) {
            String s = String.valueOf(v);
            if (!TOKEN.matcher(name).matches() || !validValue(s)) {
                LOG.warn("Route {} set an invalid response header {}; it is left out",
                    getRouteId(), LogText.escape(name));
                return;
            }
            checked.add(s);
        }
        response.putHeader(name, checked);
    }

    private static boolean validValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private void write(RoutingContext ctx, Exchange exchange, Object body, String contentType) {
        HttpServerResponse response = ctx.response();
        if (body == null) {
            if (contentType != null) {
                response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
            }
            response.end();
        } else if (body instanceof String s) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, contentType != null ? contentType : "text/plain; charset=utf-8");
            response.end(Buffer.buffer(s.getBytes(StandardCharsets.UTF_8)));
        } else if (body instanceof InputStream stream) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, contentType != null ? contentType : "application/octet-stream");
            response.setChunked(true);
            stream(ctx, exchange, stream);
        } else {
            Buffer buffer = toBuffer(exchange, body);
            response.putHeader(HttpHeaders.CONTENT_TYPE, contentType != null ? contentType : "application/octet-stream");
            response.end(buffer);
        }
    }

    private static Buffer toBuffer(Exchange exchange, Object body) {
        if (body instanceof Buffer b) {
            return b;
        }
        if (body instanceof byte[] bytes) {
            return Buffer.buffer(bytes);
        }
        if (body instanceof ByteBuffer bb) {
            byte[] bytes = new byte[bb.remaining()];
            bb.duplicate().get(bytes);
            return Buffer.buffer(bytes);
        }
        byte[] bytes = exchange.getContext().getTypeConverter().tryConvertTo(byte[].class, exchange, body);
        if (bytes == null) {
            throw new IllegalStateException("the route answered with a " + body.getClass().getName()
                + ", which cannot be written as bytes");
        }
        return Buffer.buffer(bytes);
    }

    /**
     * Streams a large answer: reads a chunk on the plugin's pool, writes it on the event loop, and waits for the
     * connection to drain when its write queue is full, so memory stays at a few chunks whatever the answer's size.
     */
    private void stream(RoutingContext ctx, Exchange exchange, InputStream stream) {
        HttpServerResponse response = ctx.response();
        Context context = ctx.vertx().getOrCreateContext();
        ExecutorService pool = pool(exchange);
        Runnable[] next = new Runnable[1];
        next[0] = () -> pool.execute(() -> {
            byte[] chunk;
            try {
                chunk = stream.readNBytes(STREAM_CHUNK);
            } catch (IOException e) {
                context.runOnContext(v -> {
                    LOG.warn("Streaming the answer of {} failed: {}", LogText.escape(ctx.request().path()), e.toString());
                    close(exchange, stream);
                    response.reset();
                });
                return;
            }
            context.runOnContext(v -> {
                if (response.closed()) {
                    close(exchange, stream);
                    return;
                }
                if (chunk.length == 0) {
                    response.end();
                    close(exchange, stream);
                    return;
                }
                response.write(Buffer.buffer(chunk));
                if (chunk.length < STREAM_CHUNK) {
                    response.end();
                    close(exchange, stream);
                } else if (response.writeQueueFull()) {
                    // one-shot: a handler left behind could fire at a later drain while a read is already running,
                    // and two readers of one stream interleave its bytes (a corrupt answer was seen once)
                    response.drainHandler(d -> {
                        response.drainHandler(null);
                        next[0].run();
                    });
                } else {
                    next[0].run();
                }
            });
        });
        next[0].run();
    }

    private void close(Exchange exchange, InputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            LOG.debug("Closing an answer stream failed", e);
        }
        done(exchange);
    }
}
