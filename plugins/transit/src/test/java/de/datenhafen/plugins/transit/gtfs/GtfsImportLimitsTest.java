package de.datenhafen.plugins.transit.gtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import de.datenhafen.plugins.transit.GtfsFixture;
import de.datenhafen.plugins.transit.RawZip;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A feed is read as it streams, within limits on the archive's size, entries, expanded bytes and ratio, the length
 * of a record, the length of each text the timetable keeps and the rows kept; past one the import fails naming it. Shapes of a feed that cost time or memory out
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
            .hasMessageMatching("stop_times.txt: expands to more than 100 times the \\d+ compressed bytes read of it "
                + "\\(max-ratio\\)");
    }

    /**
     * The probe's gtfs_lying_zip.py: shapes.txt's central directory record claims a thousand times the compressed
     * size its data has, which made max-ratio a thousand times looser when the claim was believed (9 million shape
     * points loaded). Here 20 MB of shape points deflate to some 20 KB that claim 20 MB: believed, the ratio is 1.
     */
    @Test
    void aCentralDirectoryThatClaimsAThousandTimesTheCompressedSizeDoesNotLoosenTheRatio() {
        GtfsFixture f = GtfsFixture.standard().put("trips.txt", """
            route_id,service_id,trip_id,trip_headsign,direction_id,shape_id
            r5,wd,t5-morning,Große Straße,0,sh
            r5,wd,t5-late,Große Straße,0
            r5,we,t5-weekend,Große Straße,0
            r30,holiday,t30-holiday,Travemünde,0
            r900,wd,t900,Lübeck Hbf,1
            """);
        byte[] header = "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n".getBytes(StandardCharsets.UTF_8);
        byte[] rows = "sh,53.870000,10.600000,1\n".repeat(4000).getBytes(StandardCharsets.UTF_8);
        Path lying = RawZip.of(f).add("shapes.txt", header, rows, 200, 1000).write(dir.resolve("lying.zip"));
        Path honest = RawZip.of(f).add("shapes.txt", header, rows, 200, 1).write(dir.resolve("honest.zip"));

        String refused = "shapes.txt: expands to more than 100 times the \\d+ compressed bytes read of it \\(max-ratio\\)";
        assertThatThrownBy(() -> load(lying, GtfsLimits.DEFAULTS)).isInstanceOf(GtfsImportException.class)
            .hasMessageMatching(refused);
        assertThatThrownBy(() -> load(honest, GtfsLimits.DEFAULTS)).isInstanceOf(GtfsImportException.class)
            .hasMessageMatching(refused);
    }

    @Test
    void anArchiveWithTwoEntriesOfOneNameIsRefusedNamingBoth() {
        Path twice = RawZip.of(GtfsFixture.standard())
            .add("stops.txt", "stop_id,stop_name,stop_lat,stop_lon\nkoberg,Woanders,53.0,10.0\n")
            .write(dir.resolve("twice.zip"));

        assertThatThrownBy(() -> load(twice, GtfsLimits.DEFAULTS)).isInstanceOf(GtfsImportException.class)
            .hasMessage("stops.txt: the archive holds this file twice, as 'stops.txt' and 'stops.txt'; a feed holds "
                + "each file once");
    }

    @Test
    void twoEntriesThatAreOneFileOnceFoldersAndCaseAreDroppedAreRefusedToo() {
        Path twice = GtfsFixture.standard().put("feed/STOPS.TXT", "stop_id,stop_name,stop_lat,stop_lon\n")
            .write(dir.resolve("twice.zip"));

        assertThatThrownBy(() -> load(twice, GtfsLimits.DEFAULTS)).isInstanceOf(GtfsImportException.class)
            .hasMessage("stops.txt: the archive holds this file twice, as 'stops.txt' and 'feed/STOPS.TXT'; a feed "
                + "holds each file once");
    }

    /** The probe's gtfs_bignames.py, one stop of it: a name just under the record limit, in tolerant mode. */
    @Test
    void aStopNameOfAMillionCharactersIsRefusedNamingFileLineAndField() {
        String name = "Markt " + "x".repeat(999_994);
        Path feed = GtfsFixture.standard().append("stops.txt", "big," + name + ",53.87,10.60,0,,\n")
            .write(dir.resolve("bignames.zip"));

        assertThatThrownBy(() -> load(feed, GtfsLimits.DEFAULTS)).isInstanceOf(GtfsImportException.class)
            .hasMessage("stops.txt line 9 column stop_name: a stop_name of 1000000 characters; at most 255");
    }

    /** A problem goes to the status (a hundred are kept), lastError and the log: a value is quoted cut. */
    @Test
    void aBadValueOfHalfAMillionCharactersIsQuotedCutInItsProblem() throws IOException {
        Path feed = GtfsFixture.standard().append("stop_times.txt", "t5-morning," + "8".repeat(500_000)
            + ",08:20:00,strasse,4\n").write(dir.resolve("long-value.zip"));
        GtfsImporter importer = new GtfsImporter(List.of(), null, false, null, GtfsLimits.DEFAULTS);

        importer.read(feed, "test");

        assertThat(importer.problems().kept()).extracting(GtfsProblem::toString).containsExactly(
            "stop_times.txt line 15 column arrival_time: '" + "8".repeat(100) + "...' is not a time HH:MM:SS");
    }

    static Stream<Arguments> keptTexts() {
        return Stream.of(
            kept("agency.txt", 4, "agency_id", GtfsLimits.MAX_ID_LENGTH,
                v -> standard().append("agency.txt", v + ",Agentur,https://x.example,Europe/Berlin\n")),
            kept("agency.txt", 4, "agency_name", GtfsLimits.MAX_NAME_LENGTH,
                v -> standard().append("agency.txt", "x," + v + ",https://x.example,Europe/Berlin\n")),
            kept("feed_info.txt", 2, "feed_publisher_name", GtfsLimits.MAX_NAME_LENGTH,
                v -> standard().put("feed_info.txt", "feed_publisher_name,feed_version\n" + v + ",1\n")),
            kept("feed_info.txt", 2, "feed_version", GtfsLimits.MAX_NAME_LENGTH,
                v -> standard().put("feed_info.txt", "feed_publisher_name,feed_version\nNAH.SH," + v + "\n")),
            kept("calendar.txt", 4, "service_id", GtfsLimits.MAX_ID_LENGTH,
                v -> standard().append("calendar.txt", v + ",1,1,1,1,1,1,1,20260101,20261231\n")),
            kept("calendar_dates.txt", 5, "service_id", GtfsLimits.MAX_ID_LENGTH,
                v -> standard().append("calendar_dates.txt", v + ",20260101,1\n")),
            kept("routes.txt", 5, "route_id", GtfsLimits.MAX_ID_LENGTH,
                v -> standard().append("routes.txt", v + ",swl,99,Ringlinie,3\n")),
            kept("routes.txt", 5, "route_short_name", GtfsLimits.MAX_SHORT_NAME_LENGTH,
                v -> standard().append("routes.txt", "r99,swl," + v + ",Ringlinie,3\n")),
            kept("routes.txt", 5, "route_long_name", GtfsLimits.MAX_LONG_NAME_LENGTH,
                v -> standard().append("routes.txt", "r99,swl,99," + v + ",3\n")),
            kept("trips.txt", 7, "trip_id", GtfsLimits.MAX_ID_LENGTH,
                v -> standard().append("trips.txt", "r5,wd," + v + ",Koberg,0\n")),
            kept("trips.txt", 7, "trip_headsign", GtfsLimits.MAX_NAME_LENGTH,
                v -> standard().append("trips.txt", "r5,wd,t99," + v + ",0\n")),
            kept("trips.txt", 7, "shape_id", GtfsLimits.MAX_ID_LENGTH,
                v -> standard().put("trips.txt", standard().files().get("trips.txt")
                    .replace("direction_id\n", "direction_id,shape_id\n") + "r5,wd,t99,Koberg,0," + v + "\n")),
            kept("stops.txt", 9, "stop_id", GtfsLimits.MAX_ID_LENGTH,
                v -> standard().append("stops.txt", v + ",Markt,53.87,10.60,0,,\n")),
            kept("stops.txt", 9, "stop_name", GtfsLimits.MAX_NAME_LENGTH,
                v -> standard().append("stops.txt", "markt," + v + ",53.87,10.60,0,,\n")),
            kept("stops.txt", 9, "parent_station", GtfsLimits.MAX_ID_LENGTH,
                v -> standard().append("stops.txt", "markt,Markt,53.87,10.60,0," + v + ",\n")),
            kept("stops.txt", 9, "platform_code", GtfsLimits.MAX_PLATFORM_CODE_LENGTH,
                v -> standard().append("stops.txt", "markt,Markt,53.87,10.60,0,," + v + "\n")));
    }

    private static Arguments kept(String file, int line, String field, int max, Function<String, GtfsFixture> feed) {
        return Arguments.of(file, line, field, max, feed);
    }

    private static GtfsFixture standard() {
        return GtfsFixture.standard();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("keptTexts")
    void everyTextTheTimetableKeepsIsTakenUpToItsBoundAndRefusedPastIt(String file, int line, String field, int max,
                                                                       Function<String, GtfsFixture> feed)
        throws IOException {
        Path atBound = feed.apply("ä".repeat(max)).write(dir.resolve("at.zip"));
        Path past = feed.apply("ä".repeat(max + 1)).write(dir.resolve("past.zip"));

        GtfsImporter importer = new GtfsImporter(List.of(), null, false, null, GtfsLimits.DEFAULTS);
        importer.read(atBound, "test");
        assertThat(importer.problems().errors()).isZero();
        assertThatThrownBy(() -> load(past, GtfsLimits.DEFAULTS)).isInstanceOf(GtfsImportException.class)
            .hasMessage(file + " line " + line + " column " + field + ": a " + field + " of " + (max + 1)
                + " characters; at most " + max);
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
