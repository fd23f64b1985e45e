package de.datenhafen.core.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.webjars.WebJarVersionLocator;

/**
 * The static files of the hub's pages, from the class path, held in memory (they are small and few):
 * <ul>
 * <li>{@code /assets/<version>/<path>}: the hub's own files under {@code web/} in its jar. {@code <version>} is a digest
 * of all of them, so a URL names one content for ever: {@code Cache-Control: public, max-age=31536000, immutable}.
 * A request for another version (a page from before an upgrade) gets today's file with an ETag, to revalidate.</li>
 * <li>{@code /webjars/<name>/<version>/<path>}: libraries from WebJars on the class path, immutable likewise;
 * {@link #webjar} finds the version on the class path (webjars-locator-lite).</li>
 * </ul>
 * Paths are checked before anything is looked up: letters, digits, {@code . _ - @ /} only, no empty, dot or hidden
 * segment, no percent-escape, no backslash; anything else, and folders, are 404 (no listing, no way out of the root).
 * Compression is the HTTP server's (gzip when the browser asks). Answers on the event loop: nothing blocks after the
 * first read of a WebJar file.
 */
public final class Assets {

    /** Where the hub's own files are under. */
    public static final String ASSETS = "/assets/";
    /** Where WebJars are under. */
    public static final String WEBJARS = "/webjars/";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9_@-][A-Za-z0-9._@-]*(/[A-Za-z0-9_@-][A-Za-z0-9._@-]*)*");
    private static final int MAX_PATH = 300;
    private static final Map<String, String> TYPES = Map.ofEntries(
        Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("mjs", "text/javascript; charset=utf-8"),
        Map.entry("css", "text/css; charset=utf-8"), Map.entry("html", "text/html; charset=utf-8"),
        Map.entry("json", "application/json"), Map.entry("map", "application/json"),
        Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
        Map.entry("woff2", "font/woff2"), Map.entry("txt", "text/plain; charset=utf-8"));

    /** One file as served: bytes, type, ETag. */
    record Asset(Buffer bytes, String type, String etag) {
    }

    private static final Asset MISSING = new Asset(Buffer.buffer(), "", "");

    private final Map<String, Asset> own;
    private final String prefix;
    private final String version;
    private final ClassLoader loader;
    private final WebJarVersionLocator locator = new WebJarVersionLocator();
    private final Map<String, Asset> webjars = new ConcurrentHashMap<>();

    private Assets(ClassLoader loader, String root, String prefix) {
        this.loader = loader;
        this.prefix = prefix;
        this.own = Collections.unmodifiableMap(readTree(loader, root));
        MessageDigest all = sha256();
        own.forEach((path, asset) -> {
            all.update(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            all.update(asset.etag().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
        this.version = HexFormat.of().formatHex(all.digest()).substring(0, 12);
    }

    /** The hub's own files (class path {@code web/}) and the WebJars, through the hub's class loader. */
    public static Assets hub() {
        return new Assets(Assets.class.getClassLoader(), "web", ASSETS);
    }

    /**
     * The files under {@code root} of another class loader (a plugin's), served below {@code prefix} as the hub's own
     * are below {@code /assets/}: {@code <prefix><digest>/<path>}, immutable. WebJars still come from the hub's.
     */
    public static Assets of(ClassLoader loader, String root, String prefix) {
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("an asset prefix starts and ends with /: " + prefix);
        }
        return new Assets(loader, root, prefix);
    }

    /** The digest that versions the own files' URLs. */
    public String version() {
        return version;
    }

    /** The long-cached URL of an own file, e.g. {@code url("shell.css")}; throws if there is no such file. */
    public String url(String path) {
        if (!own.containsKey(path)) {
            throw new IllegalArgumentException("no asset web/" + path + " on the class path");
        }
        return prefix + version + "/" + path;
    }

    /** The long-cached URL of a file in a WebJar, e.g. {@code webjar("htmx.org", "dist/htmx.esm.js")}. */
    public String webjar(String name, String path) {
        String v = locator.version(name);
        if (v == null) {
            throw new IllegalArgumentException("no WebJar " + name + " on the class path");
        }
        return WEBJARS + name + "/" + v + "/" + path;
    }

    /** Answers {@code GET /assets/*} (or this instance's prefix). */
    public void serveOwn(RoutingContext ctx) {
        String rest = rest(ctx, prefix);
        int slash = rest == null ? -1 : rest.indexOf('/');
        if (slash < 0) {
            ctx.fail(404); // the hub's JSON 404; not next(), which may find another route's method and say 405
            return;
        }
        Asset asset = own.get(rest.substring(slash + 1));
        if (asset == null) {
            ctx.fail(404);
            return;
        }
        send(ctx, asset, rest.substring(0, slash).equals(version));
    }

    /** Answers {@code GET /webjars/*}: a file of a WebJar by name, version and path. */
    public void serveWebjar(RoutingContext ctx) {
        String rest = rest(ctx, WEBJARS);
        if (rest == null || rest.chars().filter(c -> c == '/').count() < 2) {
            ctx.fail(404);
            return;
        }
        Asset asset = webjars.get(rest);
        if (asset == null) {
            asset = readWebjar(rest); // misses are not kept: made-up paths must not fill the map
            if (asset != MISSING) {
                webjars.put(rest, asset);
            }
        }
        if (asset == MISSING) {
            ctx.fail(404);
            return;
        }
        send(ctx, asset, true);
    }

    /** The part of the raw path after {@code prefix}, or null if it is not a plain relative path. */
    private static String rest(RoutingContext ctx, String prefix) {
        String raw = ctx.request().path(); // not normalizedPath(): what the browser sent, escapes and dots included
        if (raw == null || !raw.startsWith(prefix) || raw.length() > MAX_PATH) {
            return null;
        }
        String rest = raw.substring(prefix.length());
        return SAFE_PATH.matcher(rest).matches() && !rest.contains("/.") && !rest.startsWith(".") ? rest : null;
    }

    private static void send(RoutingContext ctx, Asset asset, boolean versioned) {
        HttpServerResponse response = ctx.response();
        response.putHeader("Content-Type", asset.type()).putHeader("ETag", asset.etag())
            .putHeader("Cache-Control", versioned ? IMMUTABLE : "no-cache");
        WebPages.securityHeaders(response);
        String match = ctx.request().getHeader("If-None-Match");
        if (match != null && (match.equals(asset.etag()) || match.equals("W/" + asset.etag()))) {
            response.setStatusCode(304).end();
            return;
        }
        if (ctx.request().method().name().equals("HEAD")) {
            response.putHeader("Content-Length", String.valueOf(asset.bytes().length())).end();
            return;
        }
        response.end(asset.bytes());
    }

    private Asset readWebjar(String rest) {
        try (InputStream in = loader.getResourceAsStream("META-INF/resources/webjars/" + rest)) {
            return in == null ? MISSING : asset(rest, in.readAllBytes());
        } catch (IOException e) {
            return MISSING; // a folder inside a jar, or unreadable: not an asset
        }
    }

    private static Asset asset(String path, byte[] bytes) {
        int dot = path.lastIndexOf('.');
        String ext = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
        String etag = "\"" + HexFormat.of().formatHex(sha256().digest(bytes)).substring(0, 24) + "\"";
        return new Asset(Buffer.buffer(bytes), TYPES.getOrDefault(ext, "application/octet-stream"), etag);
    }

    /** Every file under {@code root} in every class path entry that has it (the first entry wins a name). */
    private static Map<String, Asset> readTree(ClassLoader loader, String root) {
        Map<String, Asset> out = new TreeMap<>();
        try {
            Enumeration<URL> roots = loader.getResources(root);
            while (roots.hasMoreElements()) {
                URI uri = roots.nextElement().toURI();
                if (uri.getScheme().equals("jar")) {
                    FileSystem fs;
                    boolean opened;
                    try {
                        fs = FileSystems.newFileSystem(uri, Map.of());
                        opened = true;
                    } catch (FileSystemAlreadyExistsException e) {
                        fs = FileSystems.getFileSystem(uri); // someone else's: read it, leave it open
                        opened = false;
                    }
                    try {
                        collect(fs.provider().getPath(uri), out);
                    } finally {
                        if (opened) {
                            fs.close();
                        }
                    }
                } else {
                    collect(Path.of(uri), out);
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the hub's web assets under " + root, e);
        }
        return out;
    }

    private static void collect(Path dir, Map<String, Asset> out) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String rel = dir.relativize(f).toString().replace('\\', '/');
                // the faces' texts (*.properties) are read by Messages, not served
                if (SAFE_PATH.matcher(rel).matches() && !rel.contains("/.") && !rel.startsWith(".")
                    && !rel.endsWith(".properties")) {
                    out.putIfAbsent(rel, asset(rel, Files.readAllBytes(f)));
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For tests: the own file at {@code path}, if there is one. */
    Optional<Asset> own(String path) {
        return Optional.ofNullable(own.get(path));
    }
}
