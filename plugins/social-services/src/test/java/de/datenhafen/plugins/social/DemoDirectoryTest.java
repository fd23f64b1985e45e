package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's searches on the demo directory, at the hours a newcomer may try them: {@code open_at} is the clock
 * {@code open_now=true} reads (the current minute), so these prove 03:00 as 08:00 whenever the test runs.
 */
class DemoDirectoryTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Directory dir;

    @BeforeAll
    static void demo() throws Exception {
        dir = TestDb.demoDirectory("demo-directory");
    }

    private static Instant berlin(String local) {
        return LocalDateTime.parse(local).atZone(BERLIN).toInstant();
    }

    @ParameterizedTest(name = "open at {0} in Berlin")
    @ValueSource(strings = {"2026-12-03T03:00", "2026-12-03T08:00", "2026-12-06T03:00", "2026-12-25T03:00",
        "2026-12-31T23:59"})
    void anOpenNowSearchFindsTheCrisisLineAtAnyHour(String local) {
        SearchIndex.Result r = dir.index().search(new SearchIndex.Query("Krise", null, null, false, null, null, null,
            null, berlin(local), 1, 10));

        assertThat(r.hits()).extracting(h -> h.service().name()).contains("Krisentelefon");
        SearchIndex.Hit line = r.hits().stream().filter(h -> h.service().name().equals("Krisentelefon")).findFirst()
            .orElseThrow();
        assertThat(line.reason()).endsWith("open around the clock");
    }

    @Test
    void atThreeInTheMorningTheCrisisLineIsTheOnlyOfferOpen() {
        SearchIndex.Result r = dir.index().search(new SearchIndex.Query(null, null, null, false, null, null, null,
            null, berlin("2026-12-03T03:00"), 1, 10));

        assertThat(r.total()).isEqualTo(1);
        assertThat(r.hits().get(0).service().name()).isEqualTo("Krisentelefon");
    }

    @Test
    void theShowcaseSearchFindsTheDebtCounsellingInTurkishNearTheMarket() {
        SearchIndex.Result r = dir.index().search(new SearchIndex.Query("Schulden", Set.of(CityTaxonomy.termId("debt")),
            "tr", true, Set.of("step-free"), 53.87, 10.69, 3.0, null, 1, 10));

        assertThat(r.total()).isEqualTo(1);
        SearchIndex.Hit hit = r.hits().get(0);
        assertThat(hit.service().name()).isEqualTo("Schuldnerberatung auf Türkisch");
        assertThat(hit.reason()).isEqualTo("'schuld' in name (beginning of the word 'schuldnerberatung'); topic "
            + "Schuldnerberatung / Debt counselling; offered in 'tr'; free of charge; access: step-free; 0.4 km away");
    }

    @Test
    void theShowcaseSearchOpenOnAWednesdayAfternoonFindsItAndSaysUntilWhen() {
        SearchIndex.Result r = dir.index().search(new SearchIndex.Query("Schulden", Set.of(CityTaxonomy.termId("debt")),
            "tr", true, Set.of("step-free"), 53.87, 10.69, 3.0, berlin("2026-12-02T15:00"), 1, 10));

        assertThat(r.hits()).singleElement().satisfies(h -> assertThat(h.reason()).contains("open until 18:00"));
    }
}
