package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import de.datenhafen.plugins.transit.gtfs.GtfsLimits;
import de.datenhafen.plugins.transit.gtfs.GtfsProblem;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader takes sources its policy allows and keeps what it knew when an import fails. */
class ScheduleLoaderTest {

    @TempDir
    Path dir;
    private HttpServer server;
    private volatile byte[] served;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/gtfs.zip", ex -> {
            String etag = "\"" + java.util.Arrays.hashCode(served) + "\"";
            if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                ex.sendResponseHeaders(304, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().add("ETag", etag);
            ex.sendResponseHeaders(200, served.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(served);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ScheduleLoader loader(FeedState feed, String source, GtfsLimits limits) {
        return new ScheduleLoader(feed, source, dir.resolve("feeds"), List.of(), null, false, null,
            new SourcePolicy(Files.exists(dir.resolve("imports")) ? dir.resolve("imports") : dir, List.of("127.0.0.1")),
            limits);
    }

    private byte[] feed(GtfsFixture f) throws IOException {
        return Files.readAllBytes(f.write(dir.resolve("fixture.zip")));
    }

    @Test
    void aDownloadThatFailedToImportIsReadAgainNotTakenForUnchanged() throws IOException {
        FeedState feed = new FeedState("sh");
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/gtfs.zip";
        served = feed(GtfsFixture.standard());
        assertThat(loader(feed, url, GtfsLimits.DEFAULTS).load("test", false).outcome()).isEqualTo("loaded");

        served = feed(GtfsFixture.standard().append("stops.txt", "neu,Neue Haltestelle,53.9,10.7,0,,\n"));
        GtfsLimits tight = new GtfsLimits(1 << 20, 1 << 20, 100, 100, 12, 1000, 1000);
        assertThatThrownBy(() -> loader(feed, url, tight).load("test", false))
            .hasMessage("stop_times.txt line 14: more than 12 stop times to keep (max-stop-times)");
        assertThat(feed.timetable().stopIds).hasSize(7);

        // the admin raises the limit: the same download is imported now, not answered 304 and called unchanged
        ScheduleLoader.Outcome again = loader(feed, url, GtfsLimits.DEFAULTS).load("test", false);
        assertThat(again.outcome()).isEqualTo("loaded");
        assertThat(feed.timetable().stopIds).hasSize(8);
    }

    @Test
    void aFileOutsideTheImportFolderFailsTheImportAndTheTimetableStays() throws IOException {
        Files.createDirectories(dir.resolve("imports"));
        Path inside = GtfsFixture.standard().write(dir.resolve("imports").resolve("sh.zip"));
        FeedState feed = new FeedState("sh");
        loader(feed, inside.toString(), GtfsLimits.DEFAULTS).load("test", false);
        Path outside = GtfsFixture.standard().write(dir.resolve("outside.zip"));

        assertThatThrownBy(() -> loader(feed, outside.toString(), GtfsLimits.DEFAULTS).load("test", true))
            .hasMessageEndingWith("source " + outside + " is outside the import folder (import-folder)");

        assertThat(feed.lastImport().outcome()).isEqualTo("failed");
        assertThat(feed.lastImport().error()).isEqualTo("source " + outside
            + " is outside the import folder (import-folder)");
        assertThat(feed.timetable()).isNotNull();
    }

    /**
     * Puts {@code kept} where the loader keeps the last good archive of {@code source}, as an import before the text
     * bounds left it: the probe's stops named with a million characters each made every restart end in an
     * OutOfMemoryError at the first stop search.
     */
    private void keep(GtfsFixture kept, String source) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("feeds"));
        kept.write(folder.resolve("current.zip"));
        Files.writeString(folder.resolve("feed.properties"), "source=" + source + "\nsha256=kept\n");
    }

    private static GtfsFixture bigNames() {
        return GtfsFixture.standard().append("stops.txt", "big,Markt " + "x".repeat(999_994) + ",53.87,10.60,0,,\n");
    }

    @Test
    void aKeptArchiveThatTheTextBoundsRefuseIsNotServedAndTheSourceIsReadInstead() throws IOException {
        Files.createDirectories(dir.resolve("imports"));
        Path source = GtfsFixture.standard().write(dir.resolve("imports").resolve("sh.zip"));
        keep(bigNames(), source.toString());
        FeedState feed = new FeedState("sh");

        ScheduleLoader.Outcome o = loader(feed, source.toString(), GtfsLimits.DEFAULTS).load("schedule", false);

        assertThat(o.outcome()).isEqualTo("loaded");
        assertThat(feed.timetable().stopIds).hasSize(7).doesNotContain("big");
    }

    @Test
    void aKeptArchiveAndASourceThatTheTextBoundsRefuseLeaveNoTimetableAndSayWhy() throws IOException {
        Files.createDirectories(dir.resolve("imports"));
        Path source = bigNames().write(dir.resolve("imports").resolve("sh.zip"));
        keep(bigNames(), source.toString());
        FeedState feed = new FeedState("sh");

        assertThatThrownBy(() -> loader(feed, source.toString(), GtfsLimits.DEFAULTS).load("schedule", false))
            .hasMessage("stops.txt line 9 column stop_name: a stop_name of 1000000 characters; at most 255");

        assertThat(feed.timetable()).isNull();
        assertThat(feed.lastImport().outcome()).isEqualTo("failed");
        assertThat(feed.lastImport().problems()).extracting(GtfsProblem::toString)
            .containsExactly("stops.txt line 9 column stop_name: a stop_name of 1000000 characters; at most 255");
    }

    @Test
    void aClosedPortIsReportedAsCouldNotFetchAndNothingElse() throws IOException {
        FeedState feed = new FeedState("sh");
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        assertThatThrownBy(() -> loader(feed, "http://127.0.0.1:" + closed + "/x.zip", GtfsLimits.DEFAULTS)
            .load("test", false)).hasMessageEndingWith("could not fetch the feed from 127.0.0.1");
        assertThat(feed.lastImport().error()).isEqualTo("could not fetch the feed from 127.0.0.1");
    }
}
