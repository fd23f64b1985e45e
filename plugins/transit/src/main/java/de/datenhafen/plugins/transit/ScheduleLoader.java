package de.datenhafen.plugins.transit;

import de.datenhafen.plugins.transit.demo.DemoFeed;
import de.datenhafen.plugins.transit.gtfs.GtfsImportException;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import de.datenhafen.plugins.transit.gtfs.GtfsLimits;
import de.datenhafen.plugins.transit.timetable.StopSearch;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a feed's timetable up to date from its source: a file in the import folder, an http(s) URL that the
 * {@link SourcePolicy} allows, or {@code demo}. A download is
 * conditional (If-None-Match / If-Modified-Since from the last one) and its bytes are hashed, so an unchanged feed is
 * not imported again; the last good archive is kept in the plugin's data folder, and after a restart the timetable
 * comes back from it before the source is asked. Runs on the importing route's thread, one import at a time per feed.
 */
final class ScheduleLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleLoader.class);

    /** What an import did; {@code loaded} is set when a new timetable went live. */
    record Outcome(String outcome, FeedState.Loaded loaded, long millis) {
    }

    private final FeedState feed;
    private final String source;
    private final Path folder;
    private final List<String> agencies;
    private final ZoneId zone;
    private final boolean strict;
    private final SourcePolicy policy;
    private final GtfsLimits limits;
    private final FeedFetcher fetcher;

    ScheduleLoader(FeedState feed, String source, Path folder, List<String> agencies, ZoneId zone, boolean strict,
                   String authorization, SourcePolicy policy, GtfsLimits limits) {
        this.feed = feed;
        this.source = source;
        this.folder = folder;
        this.agencies = agencies;
        this.zone = zone;
        this.strict = strict;
        this.policy = policy;
        this.limits = limits;
        this.fetcher = new FeedFetcher(policy, authorization, Duration.ofMinutes(5), limits.maxFeedBytes(),
            "max-feed-mb");
    }

    /** Loads the feed if it changed (or {@code force}); throws when it cannot, leaving the timetable as it was. */
    synchronized Outcome load(String trigger, boolean force) {
        feed.importStarted();
        Instant started = Instant.now();
        feed.running = true;
        feed.runningSince = started;
        feed.runningTrigger = trigger;
        feed.progressFile = null;
        feed.progressRows = 0;
        feed.progressPercent = 0;
        try {
            Files.createDirectories(folder);
            Properties meta = readMeta();
            boolean sameSource = source.equals(meta.getProperty("source"));
            Path current = folder.resolve("current.zip");
            if (feed.loaded() == null && sameSource && Files.isRegularFile(current) && !force && !isDemo()) {
                LOG.info("Feed {}: loading the last good archive while the source is checked", feed.name());
                try {
                    importFile(current, meta.getProperty("sha256"), trigger + " (kept archive)", started);
                } catch (GtfsImportException e) {
                    // the kept archive passed the limits of its day, not necessarily today's (a text bound added
                    // since, a limit a hub-admin lowered): it is refused like any feed, and the source is still
                    // asked, or a feed would stay without a timetable until someone forced an import
                    failed(trigger + " (kept archive)", started, e.getMessage(), e.problems().size(), e);
                }
            }
            Path candidate;
            if (isDemo()) {
                candidate = folder.resolve("download.zip");
                DemoFeed.write(candidate, LocalDate.now(ZoneId.of("Europe/Berlin")));
            } else if (SourcePolicy.isUrl(source)) {
                if (!sameSource) {
                    meta.clear(); // validators of another source mean nothing here
                }
                candidate = download(meta, force);
                if (candidate == null) {
                    LOG.info("Feed {}: {} is unchanged (304 Not Modified)", feed.name(), source);
                    return unchanged(trigger, started);
                }
            } else {
                candidate = policy.file(source);
            }
            String sha = sha256(candidate);
            FeedState.Loaded now = feed.loaded();
            if (!force && now != null && sha.equals(now.sha256())) {
                LOG.info("Feed {}: {} has the same content as the timetable in use", feed.name(), source);
                return unchanged(trigger, started);
            }
            Outcome o = importFile(candidate, sha, trigger, started);
            if (!candidate.equals(current)) {
                Files.copy(candidate, current, StandardCopyOption.REPLACE_EXISTING);
            }
            meta.setProperty("source", source);
            meta.setProperty("sha256", sha);
            writeMeta(meta);
            return o;
        } catch (GtfsImportException e) {
            failed(trigger, started, e.getMessage(), e.problems().size(), e);
            throw e;
        } catch (IOException e) {
            failed(trigger, started, e.getMessage(), 0, null);
            throw new UncheckedIOException("import of " + source + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // a fault of the plugin's, not of the feed: its message and stack are for the log, not for the status
            // (anyone may read it) or the integration's lastError
            LOG.error("Feed {}: import from {} failed on an internal error", feed.name(), source, e);
            failed(trigger, started, INTERNAL, 0, null);
            throw new IllegalStateException(INTERNAL);
        } finally {
            feed.running = false;
        }
    }

    /** What the status and lastError say of an import that failed on a fault of the plugin's. */
    static final String INTERNAL = "the import failed on an internal error; the hub's log has the details";

    private boolean isDemo() {
        return source.equals("demo");
    }

    /** Whether the source is a file on the hub (in the import folder), not a URL or the demo. */
    private boolean isLocal() {
        return isLocal(source);
    }

    static boolean isLocal(String source) {
        return !source.equals("demo") && !SourcePolicy.isUrl(source);
    }

    private Outcome unchanged(String trigger, Instant started) {
        feed.finished(new FeedState.ImportResult("unchanged", trigger, started, Instant.now(), null, 0, 0, List.of(),
            isLocal()));
        return new Outcome("unchanged", null, Duration.between(started, Instant.now()).toMillis());
    }

    private void failed(String trigger, Instant started, String error, long errors, GtfsImportException e) {
        LOG.error("Feed {}: import from {} failed, the timetable in use stays: {}", feed.name(), source, error);
        feed.finished(new FeedState.ImportResult("failed", trigger, started, Instant.now(), error,
            Math.max(errors, 1), 0, e == null ? List.of() : e.problems(), isLocal()));
    }

    private Outcome importFile(Path file, String sha, String trigger, Instant started) throws IOException {
        long t0 = System.nanoTime();
        long[] lastLog = {System.nanoTime()};
        int[] lastPercent = {-100};
        String[] lastFile = {null};
        GtfsImporter importer = new GtfsImporter(agencies, zone, strict, (f, rows, percent) -> {
            feed.progressFile = f;
            feed.progressRows = rows;
            feed.progressPercent = percent;
            long now = System.nanoTime();
            boolean newFile = !f.equals(lastFile[0]);
            if ((percent >= lastPercent[0] + 10 || newFile) && now - lastLog[0] > 2_000_000_000L
                || percent == 100 && rows > 100_000) {
                LOG.info("Feed {}: {} {} rows ({}%)", feed.name(), f, rows, percent);
                lastLog[0] = now;
                lastPercent[0] = percent;
            }
            lastFile[0] = f;
        }, limits);
        Timetable tt = importer.read(file, source);
        FeedState.Loaded next = new FeedState.Loaded(tt, new StopSearch(tt), sha);
        feed.publish(next);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        feed.finished(new FeedState.ImportResult("loaded", trigger, started, Instant.now(), null,
            importer.problems().errors(), importer.problems().warnings(), importer.problems().kept(), isLocal()));
        LOG.info("Feed {}: {} in use after {} ms ({} row errors skipped, {} warnings)", feed.name(), tt, millis,
            importer.problems().errors(), importer.problems().warnings());
        return new Outcome("loaded", next, millis);
    }

    /**
     * Downloads into {@code download.zip}; null when the server says the feed has not changed. The validators go into
     * {@code meta}, which is written only once the import succeeded: kept after a failed import, they would make the
     * next check a 304 and leave the feed that failed unread.
     */
    private Path download(Properties meta, boolean force) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        if (!force && feed.loaded() != null) {
            if (meta.getProperty("etag") != null) {
                headers.put("If-None-Match", meta.getProperty("etag"));
            }
            if (meta.getProperty("last-modified") != null) {
                headers.put("If-Modified-Since", meta.getProperty("last-modified"));
            }
        }
        URI uri;
        try {
            uri = URI.create(source);
        } catch (IllegalArgumentException e) {
            throw new SourcePolicy.Refused("source " + source + " is not a URL");
        }
        Path target = folder.resolve("download.zip");
        FeedFetcher.Result r;
        try (OutputStream out = Files.newOutputStream(target)) {
            r = fetcher.get(uri, headers, out);
        }
        if (r.notModified()) {
            return null;
        }
        meta.remove("etag");
        meta.remove("last-modified");
        r.validators().forEach(meta::setProperty);
        return target;
    }

    private Properties readMeta() throws IOException {
        Properties p = new Properties();
        Path f = folder.resolve("feed.properties");
        if (Files.isRegularFile(f)) {
            try (InputStream in = Files.newInputStream(f)) {
                p.load(in);
            }
        }
        return p;
    }

    private void writeMeta(Properties p) throws IOException {
        Path tmp = folder.resolve("feed.properties.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "last good download of feed " + feed.name());
        }
        Files.move(tmp, folder.resolve("feed.properties"), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
