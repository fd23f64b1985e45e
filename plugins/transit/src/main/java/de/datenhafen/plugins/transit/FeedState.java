package de.datenhafen.plugins.transit;

import de.datenhafen.plugins.transit.gtfs.GtfsProblem;
import de.datenhafen.plugins.transit.realtime.LiveState;
import de.datenhafen.plugins.transit.realtime.RealtimeProcessor;
import de.datenhafen.plugins.transit.timetable.StopSearch;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Everything the plugin knows about one feed, named after its {@code gtfs-schedule} integration: the timetable in
 * use, the state of the running or last import, and the live state its {@code gtfs-realtime} integrations write.
 *
 * <p>The timetable is swapped whole: an import builds a new {@link Loaded} off to the side and publishes it with one
 * volatile write, so a query sees either the old timetable or the new one, never a mix. It outlives restarts of its
 * integrations (a restarted schedule integration keeps serving the timetable it had) and is dropped with the plugin.
 */
public final class FeedState {

    /** A timetable with the indexes built for it. */
    public record Loaded(Timetable timetable, StopSearch search, String sha256) {
    }

    /**
     * A finished import: {@code outcome} is loaded, unchanged or failed. {@code local} when the source is a file on
     * the hub: why it failed then tells of the hub's file system (a file missing, not a zip, its size), which the
     * anonymous status keeps to the owning member's people ({@link TransitApi}).
     */
    public record ImportResult(String outcome, String trigger, Instant startedAt, Instant finishedAt, String error,
                               long errors, long warnings, List<GtfsProblem> problems, boolean local) {
    }

    private final String name;
    private volatile Loaded loaded;
    private volatile ImportResult lastImport;
    private final LiveState live = new LiveState();
    private final Map<String, RealtimeProcessor> realtime = new ConcurrentHashMap<>();
    private final AtomicBoolean importPending = new AtomicBoolean();

    // progress of the running import, written by the importing thread
    volatile boolean running;
    volatile Instant runningSince;
    volatile String runningTrigger;
    volatile String progressFile;
    volatile long progressRows;
    volatile int progressPercent;

    FeedState(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The timetable in use, or null before the first import completed. */
    public Loaded loaded() {
        return loaded;
    }

    public Timetable timetable() {
        Loaded l = loaded;
        return l == null ? null : l.timetable();
    }

    void publish(Loaded next) {
        this.loaded = next;
    }

    public ImportResult lastImport() {
        return lastImport;
    }

    void finished(ImportResult result) {
        this.lastImport = result;
    }

    public LiveState live() {
        return live;
    }

    /** The processor of a realtime integration, made on first use. */
    RealtimeProcessor processor(String integration) {
        return realtime.computeIfAbsent(integration, n -> new RealtimeProcessor(n, live, this::timetable));
    }

    Map<String, RealtimeProcessor> processors() {
        return realtime;
    }

    /** Marks an on-demand import as wanted; false if one is already waiting or running. */
    boolean requestImport() {
        return !running && importPending.compareAndSet(false, true);
    }

    void importStarted() {
        importPending.set(false);
    }
}
