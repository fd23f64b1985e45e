package de.datenhafen.plugins.transit.gtfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdIndexTest {

    @Test
    void findsEveryIdOfAFieldAndNothingElse() throws IOException {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            ids.put("s" + i, i);
        }
        ids.put("Straße 1", 10_000);
        IdIndex index = new IdIndex(ids);
        try (GtfsRecords csv = new GtfsRecords(new ByteArrayInputStream(
            "s0, s9999 ,Straße 1,s10000,,\"s42\"\n".getBytes(StandardCharsets.UTF_8)), "test.txt")) {
            csv.next();

            assertThat(index.find(csv, 0)).isEqualTo(0);
            assertThat(index.find(csv, 1)).isEqualTo(9999);
            assertThat(index.find(csv, 2)).isEqualTo(10_000);
            assertThat(index.find(csv, 3)).isEqualTo(-1);
            assertThat(index.find(csv, 4)).as("an empty field").isEqualTo(-1);
            assertThat(index.find(csv, 5)).isEqualTo(42);
            assertThat(index.find(csv, 9)).as("a missing field").isEqualTo(-1);
        }
    }
}
