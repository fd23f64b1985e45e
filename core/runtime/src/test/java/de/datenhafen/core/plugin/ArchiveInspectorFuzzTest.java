package de.datenhafen.core.plugin;

import com.code_intelligence.jazzer.junit.FuzzTest;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RefusedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The archive inspector reads what any admin token holder uploads, and what lies in the plugins folder: whatever the
 * bytes, it returns an inspection result, or refuses with {@link InvalidInputException} (400: not a zip) or
 * {@link RefusedException} (422: a zip the hub will not load). Any other exception, an out-of-memory or a hang is a
 * finding. Memory stays bounded because nothing in an archive sizes an allocation beyond a name, a descriptor
 * (64 KiB) or a class file (16 MiB), and expansion is checked as it streams.
 */
class ArchiveInspectorFuzzTest {

    private static final ArchiveInspector INSPECTOR = new ArchiveInspector(ArchiveLimits.DEFAULTS, Set.of());
    private static final String NO_SHA = "0".repeat(64);

    @FuzzTest(maxDuration = "5s")
    void inspectsOrRefusesCleanly(byte[] archive) throws IOException {
        try {
            INSPECTOR.inspect(new BytesChannel(archive), Path.of("fuzzed.zip"), NO_SHA);
        } catch (InvalidInputException | RefusedException expected) {
            // a clear refusal
        }
    }
}
