package de.datenhafen.core.ops;

import io.vertx.core.MultiMap;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.util.Set;

/**
 * Vert.x's Micrometer metrics, with the HTTP server's requests labelled by a method from a fixed set: a method outside
 * it is counted as {@value #OTHER}.
 *
 * <p>Why: HTTP lets a request name any token as its method, and the metrics label each request by its method, so
 * every new token made about a dozen new series (count, time, bytes, active requests), kept for the process's life and
 * rendered on the public {@code /metrics}: 300 anonymous requests with 2,000-character methods grew {@code /metrics}
 * from 69 KB to 6.9 MB and the heap by 33 MB. The method is replaced here, before any metrics code sees the request,
 * rather than renamed by a label matcher ({@code MicrometerMetricsOptions.addLabelMatch} with an alias): a matcher
 * renames in the registry's meter filter, which runs at every meter lookup after Vert.x built the tags from the raw
 * method (and kept them in its cache of recent tags), so a client's method would still pass through the metrics;
 * replaced here, none of it ever holds one, and a known method costs one set lookup.
 *
 * <p>The {@code route} label needs nothing: Vert.x Web labels a request with the routes it matched, named by their
 * declared paths or patterns (the hub's and its plugins' routes), never with the request's own path, and a request no
 * route matched has none. The status code is the hub's own.
 */
public final class BoundedMethodMetrics implements VertxMetricsFactory {

    /** The label value of a method outside {@link #KNOWN}. */
    public static final String OTHER = "OTHER";
    /** HTTP's methods (RFC 9110 and PATCH): every method the hub or a plugin route serves is one of them. */
    public static final Set<String> KNOWN = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
        "PATCH");
    private static final HttpMethod OTHER_METHOD = HttpMethod.valueOf(OTHER);

    private final MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory();

    /** The method as the metrics label it: itself when known, else {@value #OTHER}. */
    static HttpMethod bounded(HttpMethod method) {
        return method == null || KNOWN.contains(method.name()) ? method : OTHER_METHOD;
    }

    @Override
    public VertxMetrics metrics(VertxOptions options) {
        return new Metrics(micrometer.metrics(options));
    }

    @Override
    public MetricsOptions newOptions() {
        return micrometer.newOptions();
    }

    @Override
    public MetricsOptions newOptions(MetricsOptions options) {
        return micrometer.newOptions(options);
    }

    @Override
    public MetricsOptions newOptions(JsonObject json) {
        return micrometer.newOptions(json);
    }

    /** Vert.x's metrics as Micrometer's, but the HTTP servers' with bounded methods. */
    private static final class Metrics implements VertxMetrics {
        private final VertxMetrics delegate;

        Metrics(VertxMetrics delegate) {
            this.delegate = delegate;
        }

        @Override
        public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress local) {
            HttpServerMetrics<?, ?, ?> server = delegate.createHttpServerMetrics(options, local);
            return server == null ? null : new Server<>(server);
        }

        @Override
        public EventBusMetrics<?> createEventBusMetrics() {
            return delegate.createEventBusMetrics();
        }

        @Override
        public ClientMetrics<?, ?, ?, ?> createClientMetrics(SocketAddress remote, String type, String namespace) {
            return delegate.createClientMetrics(remote, type, namespace);
        }

        @Override
        public HttpClientMetrics<?, ?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
            return delegate.createHttpClientMetrics(options);
        }

        @Override
        public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress local) {
            return delegate.createNetServerMetrics(options, local);
        }

        @Override
        public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
            return delegate.createNetClientMetrics(options);
        }

        @Override
        public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
            return delegate.createDatagramSocketMetrics(options);
        }

        @Override
        public PoolMetrics<?> createPoolMetrics(String type, String name, int maxSize) {
            return delegate.createPoolMetrics(type, name, maxSize);
        }

        @Override
        public void vertxCreated(io.vertx.core.Vertx vertx) {
            delegate.vertxCreated(vertx);
        }

        @Override
        public boolean isMetricsEnabled() {
            return delegate.isMetricsEnabled();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** An HTTP server's metrics that see each request with its method bounded. */
    private static final class Server<R, W, S> implements HttpServerMetrics<R, W, S> {
        private final HttpServerMetrics<R, W, S> delegate;

        @SuppressWarnings("unchecked")
        Server(HttpServerMetrics<?, ?, ?> delegate) {
            this.delegate = (HttpServerMetrics<R, W, S>) delegate;
        }

        @Override
        public R requestBegin(S socketMetric, HttpRequest request) {
            return delegate.requestBegin(socketMetric, bounded(request));
        }

        @Override
        public void requestEnd(R requestMetric, HttpRequest request, long bytesRead) {
            delegate.requestEnd(requestMetric, bounded(request), bytesRead);
        }

        @Override
        public void requestReset(R requestMetric) {
            delegate.requestReset(requestMetric);
        }

        @Override
        public void responseBegin(R requestMetric, HttpResponse response) {
            delegate.responseBegin(requestMetric, response);
        }

        @Override
        public R responsePushed(S socketMetric, HttpMethod method, String uri, HttpResponse response) {
            return delegate.responsePushed(socketMetric, BoundedMethodMetrics.bounded(method), uri, response);
        }

        @Override
        public void responseEnd(R requestMetric, HttpResponse response, long bytesWritten) {
            delegate.responseEnd(requestMetric, response, bytesWritten);
        }

        @Override
        public W connected(S socketMetric, R requestMetric, ServerWebSocket serverWebSocket) {
            return delegate.connected(socketMetric, requestMetric, serverWebSocket);
        }

        @Override
        public void disconnected(W serverWebSocketMetric) {
            delegate.disconnected(serverWebSocketMetric);
        }

        @Override
        public void requestRouted(R requestMetric, String route) {
            delegate.requestRouted(requestMetric, route);
        }

        @Override
        public S connected(SocketAddress remoteAddress, String remoteName) {
            return delegate.connected(remoteAddress, remoteName);
        }

        @Override
        public void disconnected(S socketMetric, SocketAddress remoteAddress) {
            delegate.disconnected(socketMetric, remoteAddress);
        }

        @Override
        public void bytesRead(S socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
            delegate.bytesRead(socketMetric, remoteAddress, numberOfBytes);
        }

        @Override
        public void bytesWritten(S socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
            delegate.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
        }

        @Override
        public void exceptionOccurred(S socketMetric, SocketAddress remoteAddress, Throwable t) {
            delegate.exceptionOccurred(socketMetric, remoteAddress, t);
        }

        @Override
        public void close() {
            delegate.close();
        }

        private static HttpRequest bounded(HttpRequest request) {
            HttpMethod method = request.method();
            if (method == null || KNOWN.contains(method.name())) {
                return request;
            }
            return new HttpRequest() {
                @Override
                public int id() {
                    return request.id();
                }

                @Override
                public String uri() {
                    return request.uri();
                }

                @Override
                public String absoluteURI() {
                    return request.absoluteURI();
                }

                @Override
                public HttpMethod method() {
                    return OTHER_METHOD;
                }

                @Override
                public MultiMap headers() {
                    return request.headers();
                }

                @Override
                public SocketAddress remoteAddress() {
                    return request.remoteAddress();
                }
            };
        }
    }
}
