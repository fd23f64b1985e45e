package de.datenhafen.core.flow;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.security.SecretBox;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The versions of a flow are kept up to the newest hundred: a flow changed by a script every minute stays small. */
class FlowStoreTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheNewestHundredVersionsOfAFlowAndDeletesTheOlderWithEachNewOne() {
        try (Database db = TestDatabase.H2.open(dir)) {
            FlowStore store = new FlowStore(db, SecretBox.open(dir.resolve("data")));
            Instant now = Instant.now();
            store.insert(new FlowStore.Row("often", null, 1, FlowManager.ENABLED, now, now),
                new FlowStore.Version("often", 1, "name: often", null, "a script", now));
            for (int v = 2; v <= 105; v++) {
                store.addVersion(new FlowStore.Version("often", v, "name: often # " + v, null, "a script", now), now,
                    FlowManager.VERSIONS_KEPT);
            }

            List<FlowStore.Version> kept = store.versions("often", FlowManager.VERSIONS_KEPT);
            assertThat(kept).extracting(FlowStore.Version::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(6, 105).boxed().toList());
            assertThat(kept.get(99).definition()).isEqualTo("name: often # 105");
            assertThat(store.version("often", 5)).isEmpty();
            assertThat(store.version("often", 6)).hasValueSatisfying(v -> assertThat(v.definition())
                .isEqualTo("name: often # 6"));
            assertThat(store.latestVersion("often")).isEqualTo(105);
        }
    }
}
