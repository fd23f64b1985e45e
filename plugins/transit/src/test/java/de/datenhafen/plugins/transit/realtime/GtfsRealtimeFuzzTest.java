package de.datenhafen.plugins.transit.realtime;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import de.datenhafen.plugins.transit.GtfsFixture;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * GTFS-Realtime bodies come from pushes (with or without a token) and from polled servers: whatever the bytes, they
 * are refused as no FeedMessage ({@link InvalidProtocolBufferException}, a 400) or past a limit
 * ({@link FeedMessages.TooLarge}, a 413), or applied to the live state of the fixture's timetable, as a push and as
 * a full trip-updates poll, giving events; nothing else may be thrown.
 */
class GtfsRealtimeFuzzTest {

    private static final Instant NOW = Instant.parse("2026-03-26T07:03:00Z");
    private static final Timetable TIMETABLE = timetable();

    private static Timetable timetable() {
        try {
            Path dir = Files.createTempDirectory("gtfs-rt-fuzz");
            Timetable tt = new GtfsImporter(List.of(), null, true, null).read(GtfsFixture.standard()
                .write(dir.resolve("feed.zip")), "fuzz");
            Files.delete(dir.resolve("feed.zip"));
            Files.delete(dir);
            return tt;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "5s")
    void appliesOrRefusesAnyBody(byte[] body) {
        try {
            FeedMessage msg = FeedMessages.parse(body, 1 << 20, 1000);
            RealtimeProcessor processor = new RealtimeProcessor("fuzz", new LiveState(), () -> TIMETABLE);
            processor.maxLive(1000);
            processor.apply(msg, null, true, NOW);
            processor.apply(msg, RealtimeProcessor.Kind.TRIP_UPDATES, false, NOW);
        } catch (InvalidProtocolBufferException | FeedMessages.TooLarge refused) {
            // a clear refusal: 400 or 413 at the push endpoint, a failed poll naming the limit
        }
    }
}
