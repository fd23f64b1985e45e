package de.datenhafen.plugins.transit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a feed within its {@link SourcePolicy} and a size limit. Redirects are followed here, at most five, each
 * target checked like the source; the {@code Authorization} header goes only to the source's own scheme, host and
 * port, never to where a redirect points. A body larger than the limit is refused while it arrives (or at once, by its
 * Content-Length). Why a connection failed (refused, timed out, reset, TLS) is logged, not answered: those answers
 * told an admin's probing which hosts and ports are open, so every such failure reads "could not fetch the feed".
 */
final class FeedFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(FeedFetcher.class);
    private static final int MAX_REDIRECTS = 5;
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(20)).build();

    /** The status (200 or 304) and the validators (ETag, Last-Modified) of a fetch. */
    record Result(int status, Map<String, String> validators) {
        boolean notModified() {
            return status == 304;
        }
    }

    private final SourcePolicy policy;
    private final String authorization;
    private final Duration timeout;
    private final long maxBytes;
    private final String limitKey;

    /**
     * @param authorization the Authorization header for the source's own origin, or null
     * @param maxBytes      the largest body taken; {@code limitKey} names the setting in the refusal
     */
    FeedFetcher(SourcePolicy policy, String authorization, Duration timeout, long maxBytes, String limitKey) {
        this.policy = policy;
        this.authorization = authorization;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.limitKey = limitKey;
    }

    /** GETs {@code source} with {@code headers} into {@code sink}; a 304 writes nothing. */
    Result get(URI source, Map<String, String> headers, OutputStream sink) throws IOException {
        URI uri = source;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            policy.check(uri);
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout).GET();
            headers.forEach(req::header);
            if (authorization != null && sameOrigin(source, uri)) {
                req.header("Authorization", authorization);
            }
            HttpResponse<InputStream> r = send(req.build(), uri);
            try (InputStream in = r.body()) {
                int status = r.statusCode();
                if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                    String location = r.headers().firstValue("Location").orElse(null);
                    if (location == null) {
                        throw new IOException("the feed's server at " + uri.getHost() + " answered " + status
                            + " without a Location");
                    }
                    try {
                        uri = uri.resolve(location.trim());
                    } catch (IllegalArgumentException e) {
                        throw new IOException("the feed's server at " + uri.getHost() + " redirected to a malformed "
                            + "Location");
                    }
                    continue;
                }
                if (status == 304) {
                    return new Result(304, Map.of());
                }
                if (status != 200) {
                    throw new IOException("the feed's server at " + uri.getHost() + " answered " + status);
                }
                long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > maxBytes) {
                    throw tooLarge();
                }
                copy(in, sink, uri);
                Map<String, String> validators = new LinkedHashMap<>();
                r.headers().firstValue("ETag").ifPresent(v -> validators.put("etag", v));
                r.headers().firstValue("Last-Modified").ifPresent(v -> validators.put("last-modified", v));
                return new Result(200, validators);
            }
        }
        throw new IOException("the feed's server at " + source.getHost() + " redirected more than " + MAX_REDIRECTS
            + " times");
    }

    private HttpResponse<InputStream> send(HttpRequest req, URI uri) throws IOException {
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching the feed from " + uri.getHost(), e);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Fetching {} failed: {}", Safe.log(uri.toString()), Safe.log(String.valueOf(e)));
            throw new IOException("could not fetch the feed from " + uri.getHost());
        }
    }

    private void copy(InputStream in, OutputStream sink, URI uri) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge();
                }
                sink.write(buf, 0, n);
            }
        } catch (SourcePolicy.Refused e) {
            throw e;
        } catch (IOException e) {
            LOG.warn("Reading {} failed: {}", Safe.log(uri.toString()), Safe.log(String.valueOf(e)));
            throw new IOException("could not fetch the feed from " + uri.getHost());
        }
    }

    private SourcePolicy.Refused tooLarge() {
        return new SourcePolicy.Refused("the feed is larger than " + maxBytes + " bytes (" + limitKey + ")");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
            && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : Objects.equals(u.getScheme().toLowerCase(java.util.Locale.ROOT),
            "https") ? 443 : 80;
    }
}
