package de.datenhafen.plugins.transit;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where a feed may come from. A file only from the integration's import folder (its real path, links followed, must lie
 * in the folder's); a URL only over http(s), from a host on {@code allowed-hosts} when that list is set, and, unless
 * the host is on that list by name, only from public addresses: never loopback, link-local (the cloud metadata
 * service), private, shared (100.64/10) or otherwise reserved ones. Without this an admin's source (or a redirect a
 * feed server sends) reached local files and the hub's own network, and the errors told which ports were open.
 * The two settings are hub-admin-only ({@link #define}): set by the member-admin who sets the source, they were no
 * bound ({@code import-folder: "/"} read any file the hub can open). A source outside the folder by its name is
 * refused before the file system is asked, so the answer never tells whether a file there exists.
 *
 * <p>The addresses are checked after the name is resolved, for every address it has, on each redirect again. The
 * HTTP client then resolves the name itself; the JVM keeps a resolved name for 30 s (networkaddress.cache.ttl), so it
 * gets the answer that was checked, and a DNS server that changes its answer in between (rebinding) is not heard
 * within that time.
 */
final class SourcePolicy {

    /** A source this policy refuses; the message says why and names the setting. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private final Path importFolder;
    private final List<String> allowedHosts;

    SourcePolicy(Path importFolder, List<String> allowedHosts) {
        this.importFolder = importFolder.toAbsolutePath().normalize();
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
            .toList();
    }

    /**
     * Declares {@code import-folder} and {@code allowed-hosts}, hub-admin-only: they bound what the connector's source
     * keys may reach (every file the hub can read, the hub's own network), which is no bound if the member-admin who
     * sets the sources sets them too.
     *
     * @param sources the keys they bound, as the hub's refusal names them ({@code source})
     */
    static ConfigDef.Builder define(ConfigDef.Builder b, String sources) {
        return b
            .define("import-folder", ConfigType.STRING, null, false,
                "The folder a file source must lie in (a relative path is taken within it); default: imports/ in the "
                    + "plugin's data folder")
            .define("allowed-hosts", ConfigType.LIST, null, false,
                "Hosts an http(s) source may name (exact names or IP addresses, '*.example.org' for its subdomains); "
                    + "default: any host with a public address. A host listed by name may have a private address")
            .hubAdminOnly("it bounds what " + sources + " may reach", List.of("import-folder", "allowed-hosts"));
    }

    /** The policy of an integration's config; the import folder is made if it is missing. */
    static SourcePolicy of(Config cfg, Path pluginData) {
        Path folder = cfg.has("import-folder") ? Path.of(cfg.getString("import-folder"))
            : pluginData.resolve("imports");
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot make the import folder " + folder + ": " + e.getMessage(), e);
        }
        return new SourcePolicy(folder, cfg.has("allowed-hosts") ? cfg.getList("allowed-hosts") : List.of());
    }

    Path importFolder() {
        return importFolder;
    }

    /** Whether a source names a URL (anything with a scheme but {@code file:}), rather than a file. */
    static boolean isUrl(String source) {
        int colon = source.indexOf(':');
        return colon > 1 && source.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")
            && !source.regionMatches(true, 0, "file:", 0, 5);
    }

    /**
     * What a route refuses of a source for its form alone, as a problem of its {@code key} for the connector's
     * validate: a scheme other than http, https and file ({@code ftp://}, {@code gopher:}), a URL that does not parse
     * or names no host or a user, a file path or {@code file:} URI that is none. Null when the form is fine. Neither
     * the network nor the file system is asked: where a URL leads and whether a file is in the import folder are the
     * route's to find at each fetch.
     */
    static ConfigProblem formProblem(String key, String source) {
        if (source.equals(DEMO)) {
            return null;
        }
        if (!isUrl(source)) {
            return path(source) != null ? null : ConfigProblem.coded(key, "is not a file path or file: URI",
                "source-not-file");
        }
        URI uri;
        try {
            uri = new URI(source);
        } catch (java.net.URISyntaxException e) {
            return ConfigProblem.coded(key, "is not a URL: " + e.getMessage(), "source-not-url");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return ConfigProblem.coded(key, "must be an http(s) URL, a file in the import folder (a path or file: "
                + "URI) or demo; " + scheme + ": is none of them", "source-scheme", scheme);
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            return ConfigProblem.coded(key, "has no host, or a user name in it", "source-host");
        }
        return null;
    }

    /** The source that is the generated demo feed, not a file or a URL. */
    static final String DEMO = "demo";

    /** A file source (a path or a {@code file:} URI) as a path, or null when it is none. */
    private static Path path(String source) {
        try {
            return source.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(source)) : Path.of(source);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null; // InvalidPathException is an IllegalArgumentException
        }
    }

    /** A file source (a path, relative to the import folder or absolute, or a {@code file:} URI) as a real path in it. */
    Path file(String source) throws Refused {
        Path p = path(source);
        if (p == null) {
            throw new Refused("source " + source + " is not a file path or file: URI");
        }
        Path real;
        try {
            Path folder = importFolder.toRealPath();
            // Outside by its name alone (within the folder as named or as its real path), before the file system is
            // asked about the file: whether a file outside exists is never told, both get the same answer.
            Path named = importFolder.resolve(p).normalize();
            if (!named.startsWith(importFolder) && !named.startsWith(folder)) {
                throw new Refused("source " + source + " is outside the import folder (import-folder)");
            }
            real = folder.resolve(p).toRealPath();
            if (!real.startsWith(folder)) {
                throw new Refused("source " + source + " is outside the import folder (import-folder)");
            }
        } catch (IOException e) {
            if (e instanceof Refused r) {
                throw r;
            }
            throw new Refused("source " + source + " is not a readable file in the import folder");
        }
        if (!Files.isRegularFile(real)) {
            throw new Refused("source " + source + " is not a readable file in the import folder");
        }
        return real;
    }

    /** Passes a URL this policy allows, else says why not. */
    void check(URI uri) throws Refused {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("source " + uri + " is not an http(s) URL");
        }
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        if (host == null || uri.getRawUserInfo() != null) {
            throw new Refused("source " + uri + " has no host, or a user name in it");
        }
        boolean listed = listed(host);
        if (!allowedHosts.isEmpty() && !listed) {
            throw new Refused("source host " + host + " is not on allowed-hosts");
        }
        if (listed) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            // no detail: what a name resolves to, or that it does not, is not the admin's business here
            throw new Refused("could not fetch the feed from " + host);
        }
        for (InetAddress a : addresses) {
            if (!isPublic(a)) {
                throw new Refused("source host " + host + " is not a public address; list it in allowed-hosts to "
                    + "use it");
            }
        }
    }

    private boolean listed(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        for (String a : allowedHosts) {
            if (a.equals(bare) || a.startsWith("*.") && bare.endsWith(a.substring(1))) {
                return true;
            }
        }
        return false;
    }

    /** Whether an address is one of the public internet: not loopback, link-local, private, shared or reserved. */
    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
            || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length == 16) {
            if ((b[0] & 0xfe) == 0xfc) {
                return false; // fc00::/7, unique local
            }
            boolean embedsV4 = (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b)
                || isZero(b, 0, 12); // 64:ff9b::/96 (NAT64) and ::a.b.c.d
            if (!embedsV4) {
                return (b[0] & 0xe0) == 0x20; // 2000::/3, the global unicast range
            }
            b = new byte[] {b[12], b[13], b[14], b[15]};
        }
        int x = b[0] & 0xff;
        int y = b[1] & 0xff;
        return !(x == 0 || x == 10 || x == 127 || x >= 224
            || x == 100 && (y & 0xc0) == 64 // 100.64/10, shared (carrier-grade NAT)
            || x == 169 && y == 254
            || x == 172 && (y & 0xf0) == 16
            || x == 192 && y == 168
            || x == 192 && y == 0 && (b[2] & 0xff) == 0 // 192.0.0/24, protocol assignments
            || x == 198 && (y & 0xfe) == 18); // 198.18/15, benchmarking
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
