package de.datenhafen.plugins.transit.gtfs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The importer reads a feed's zip with its own reader ({@link GtfsArchive}: the JDK's believes the central directory's
 * sizes), so whatever the bytes a feed server sends, it lists entries and reads each one, or refuses the archive with
 * an {@code IOException} saying why: never another exception, never a read past the file, and the compressed bytes it
 * counts never more than the file has.
 */
class GtfsArchiveFuzzTest {

    /** The most bytes read of one entry per run: enough to see the reader work, bounded for the fuzzer's speed. */
    private static final int READ_AT_MOST = 1 << 20;

    @FuzzTest(maxDuration = "5s")
    void listsAndReadsEntriesOrRefusesTheArchive(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("gtfs-archive-fuzz", ".zip");
        try {
            Files.write(file, bytes);
            try (GtfsArchive archive = GtfsArchive.open(file)) {
                List<GtfsArchive.Entry> entries = archive.entries();
                byte[] buffer = new byte[8192];
                for (GtfsArchive.Entry e : entries) {
                    if (e.isDirectory()) {
                        continue;
                    }
                    try (GtfsArchive.EntryStream in = archive.open(e)) {
                        long read = 0;
                        int n;
                        while (read < READ_AT_MOST && (n = in.read(buffer, 0, buffer.length)) >= 0) {
                            read += n;
                        }
                        if (in.compressedRead() > bytes.length) {
                            throw new AssertionError("counted " + in.compressedRead() + " compressed bytes of "
                                + e.name() + " in a file of " + bytes.length);
                        }
                    } catch (IOException refused) {
                        // this entry cannot be read: the importer names it and refuses the feed
                    }
                }
            } catch (IOException refused) {
                // not a zip, or one whose directory lies: refused with the reason
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
