package de.datenhafen.plugins.transit.gtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import de.datenhafen.plugins.transit.GtfsFixture;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feed is read as it streams, within limits on the archive's size, entries, expanded bytes and ratio, the length
 * of a record and the rows kept; past one the import fails naming it. Shapes of a feed that cost time or memory out
 * of proportion to its size (rows out of order, far-apart dates, many exceptions) cost what their rows cost.
 */
class GtfsImportLimitsTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private Timetable load(Path feed, GtfsLimits limits) throws IOException {
        return new GtfsImporter(List.of(), null, false, null, limits).read(feed, "test");
    }

    private static GtfsLimits limits(long feed, long expanded, int entries, int ratio, int stopTimes, int rows) {
        return new GtfsLimits(feed, expanded, entries, ratio, stopTimes, 10_000_000, rows);
    }

    @Test
    void aStopTimesFileThatExpandsThreeHundredFoldIsRefusedForItsRatio() {
        Path bomb = GtfsFixture.standard().writeRepeating(dir.resolve("bomb.zip"), "stop_times.txt",
            "t5-morning,08:00:00,08:00:00,hbf-1,1\n", 300 * MIB);
        assertThatThrownBy(() -> load(bomb, GtfsLimits.DEFAULTS)).isInstanceOf(GtfsImportException.class)
            .hasMessageMatching("stop_times.txt: expands to more than 100 times its compressed size of \\d+ bytes "
                + "\\(max-ratio\\)");
    }

    @Test
    void anArchiveThatExpandsPastTheLimitIsRefused() {
        Path big = GtfsFixture.standard().writeRepeating(dir.resolve("big.zip"), "stop_times.txt",
            "t5-morning,08:00:00,08:00:00,hbf-1,1\n", 3 * MIB);
        assertThatThrownBy(() -> load(big, limits(256 * MIB, 2 * MIB, 100, 100_000, 6_000_000, 1_000_000)))
            .hasMessage("stop_times.txt: the archive expands to more than 2097152 bytes (max-expanded-mb)");
    }

    @Test
    void anArchiveLargerThanTheFeedLimitOrWithTooManyEntriesIsRefusedBeforeItIsRead() throws IOException {
        Path feed = GtfsFixture.standard().write(dir.resolve("feed.zip"));
        long size = Files.size(feed);
        assertThatThrownBy(() -> load(feed, limits(size - 1, MIB, 100, 100, 100, 100)))
            .hasMessage("feed.zip: the archive is " + size + " bytes; at most " + (size - 1) + " (max-feed-mb)");
        assertThatThrownBy(() -> load(feed, limits(MIB, MIB, 6, 100, 100, 100)))
            .hasMessage("feed.zip: the archive has 7 entries; at most 6 (max-entries)");
    }

    @Test
    void aRecordWithoutEndIsRefusedAtTheLimitOfARecord() {
        Path endless = GtfsFixture.standard().writeRepeating(dir.resolve("endless.zip"), "stops.txt", "x",
            2 * GtfsRecords.MAX_RECORD);
        assertThatThrownBy(() -> load(endless, limits(256 * MIB, 1024 * MIB, 100, 100_000, 6_000_000, 1_000_000)))
            .hasMessage("stops.txt line 9: a record longer than 1048576 characters (the file is not read further)");
    }

    @Test
    void moreStopTimesOrRowsThanTheLimitsAreRefused() {
        Path feed = GtfsFixture.standard().write(dir.resolve("feed.zip"));
        assertThatThrownBy(() -> load(feed, limits(MIB, MIB, 100, 100, 12, 1_000)))
            .hasMessage("stop_times.txt line 14: more than 12 stop times to keep (max-stop-times)");
        assertThatThrownBy(() -> load(feed, limits(MIB, MIB, 100, 100, 100, 10)))
            .hasMessage("trips.txt line 2: more than 10 rows to keep of the files other than "
                + "stop_times.txt and shapes.txt (max-rows)");
    }

    @Test
    void aLongTripWrittenBackwardsIsOrderedInBoundedTime() {
        int n = 200_000;
        StringBuilder st = new StringBuilder("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
        for (int i = n; i >= 1; i--) {
            st.append("long,10:00:00,10:00:00,").append(i % 2 == 0 ? "koberg" : "strasse").append(',').append(i)
                .append('\n');
        }
        Path feed = GtfsFixture.standard().append("trips.txt", "r5,wd,long,Rückwärts,0\n")
            .append("stop_times.txt", st.substring(st.indexOf("\n") + 1)).write(dir.resolve("long.zip"));

        Timetable tt = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> load(feed, GtfsLimits.DEFAULTS));

        int trip = tt.tripIndex.get("long");
        int first = tt.tripFirstStopTime[trip];
        assertThat(tt.tripFirstStopTime[trip + 1] - first).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(tt.stSequence[first + i]).isEqualTo(i + 1);
        }
    }

    @Test
    void datesCenturiesApartAndManyExceptionsCostWhatTheirRowsCost() {
        StringBuilder calendar = new StringBuilder();
        for (int s = 0; s < 5_000; s++) {
            calendar.append("far").append(s).append(",1,1,1,1,1,1,1,00010101,99991231\n");
        }
        StringBuilder dates = new StringBuilder();
        for (int d = 0; d < 100_000; d++) {
            dates.append("far0,").append(LocalDate.of(2030, 1, 1).plusDays(d).toString().replace("-", ""))
                .append(",2\n");
        }
        Path feed = GtfsFixture.standard().append("calendar.txt", calendar.toString())
            .append("calendar_dates.txt", dates.toString()).write(dir.resolve("dates.zip"));

        Timetable tt = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> load(feed, GtfsLimits.DEFAULTS));

        assertThat(tt.calendar.services()).isEqualTo(5_003);
        assertThat(tt.calendar.firstDate()).isEqualTo(LocalDate.of(1, 1, 1));
        assertThat(tt.calendar.lastDate()).isEqualTo(LocalDate.of(9999, 12, 31));
        int far0 = 2; // after wd and we of calendar.txt
        assertThat(tt.calendar.active(far0, (int) LocalDate.of(2029, 12, 31).toEpochDay())).isTrue();
        assertThat(tt.calendar.active(far0, (int) LocalDate.of(2030, 1, 2).toEpochDay())).isFalse();
        assertThat(tt.calendar.active(far0, (int) LocalDate.of(2400, 1, 2).toEpochDay())).isTrue();
    }
}
