package de.datenhafen.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFolderTest {

    @Test
    void theFileCacheIsClearedOnlyByTheHubHoldingItsLock(@TempDir Path data) throws Exception {
        Path leftByAKilledHub = Files.createDirectories(data.resolve("cache/vertx-killed/webroot"));

        try (DataFolder.FileCache first = DataFolder.fileCache(data)) {
            assertThat(first.base()).isEqualTo(data.resolve("cache/vertx"));
            assertThat(leftByAKilledHub).doesNotExist();
            Path inUse = Files.createDirectories(data.resolve("cache/vertx-in-use/webroot"));

            // a second hub on the same data folder while the first runs: it must not remove the first's files
            try (DataFolder.FileCache second = DataFolder.fileCache(data)) {
                assertThat(second.lock()).isNull();
                assertThat(inUse).exists();
            }
            assertThat(inUse).exists();
        }

        try (DataFolder.FileCache next = DataFolder.fileCache(data)) {
            assertThat(next.lock()).isNotNull();
            assertThat(data.resolve("cache/vertx-in-use")).doesNotExist();
        }
    }
}
