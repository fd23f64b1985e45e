package de.datenhafen.plugins.airquality.sta;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StoreTimesTest {

    @Test
    void timesTheStoreMakesKeepTheirMillisecondsSoTheySortAsTextAsTheySortInTime() {
        // a HistoricalLocation at a whole second and one 5 ms later: as Instant.toString prints them, the first sorts
        // after the second as text (':' ... 'Z' against '.'), and OGC's test suite compares them as text
        Instant whole = Instant.parse("2026-12-05T01:55:47Z");
        List<String> times = Stream.of(whole, whole.plusMillis(5), whole.plusSeconds(1))
            .map(StoreWrites.MILLIS::format).toList();

        assertThat(times).containsExactly("2026-12-05T01:55:47.000Z", "2026-12-05T01:55:47.005Z",
            "2026-12-05T01:55:48.000Z");
        assertThat(times).isSorted();
        assertThat(Instant.parse(times.get(0))).isEqualTo(whole);
    }
}
