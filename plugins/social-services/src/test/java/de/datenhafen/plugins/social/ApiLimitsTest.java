package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The public API's bounds: page sizes, search texts and filter lists past their limits are a 400 naming both. */
class ApiLimitsTest {

    private static Directory dir;

    @BeforeAll
    static void open() throws Exception {
        dir = TestDb.demoDirectory("limits");
    }

    private static Api.Response get(Limits limits, String path, String query) {
        return HubAnswers.of(new Api(dir, limits, null), new Api.Request("GET", path, query, null, null, null));
    }

    private static Api.Response get(String path, String query) {
        return get(Limits.DEFAULTS, path, query);
    }

    private static void assertRefused(Api.Response r, String field, String error) {
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(400);
        assertThat(r.body().get("field").asText()).isEqualTo(field);
        assertThat(r.body().get("error").asText()).isEqualTo(error);
    }

    @Test
    void aPageSizePastTheLimitIsRefusedNamingPerPageAndTheLimit() {
        for (String path : new String[] {"services", "organizations", "service_at_locations", "taxonomy_terms",
            "search"}) {
            assertRefused(get(path, "per_page=501"), "per_page", "per_page must be between 1 and 500 (max-page-size)");
        }
        assertThat(get("services", "per_page=500").status()).isEqualTo(200);
    }

    @Test
    void aConfiguredPageSizeLimitIsTheOneApplied() {
        Limits ten = new Limits(10, 200, 10, 20, 64, 128, 64, 100, 3_000_000);
        assertRefused(get(ten, "services", "per_page=11"), "per_page",
            "per_page must be between 1 and 10 (max-page-size)");
        assertThat(get(ten, "services", null).body().get("size").asInt()).isEqualTo(10);
    }

    @Test
    void aPageFarPastTheEndIsEmptyRatherThanAnError() {
        for (String path : new String[] {"services", "organizations", "service_at_locations", "search"}) {
            Api.Response r = get(path, "page=2147483647&per_page=500");
            assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
            assertThat(r.body().get("contents")).isEmpty();
            assertThat(r.body().get("page_number").asInt()).isEqualTo(Integer.MAX_VALUE);
        }
    }

    @Test
    void aSearchTextPastItsLengthOrWordLimitIsRefused() {
        assertRefused(get("search", "q=" + "a".repeat(201)), "q",
            "q is longer than 200 characters (max-search-length)");
        assertRefused(get("services", "search=" + "a".repeat(201)), "search",
            "search is longer than 200 characters (max-search-length)");
        assertRefused(get("search", "q=" + "wort+".repeat(11)), "q", "q has 11 words; at most 10 (max-search-words)");
        assertThat(get("search", "q=" + "wort+".repeat(10)).status()).isEqualTo(200);
    }

    @Test
    void aFilterWithMoreValuesThanTheLimitIsRefused() {
        String many = "debt,".repeat(21);
        assertRefused(get("search", "topic=" + many), "topic", "topic has more than 20 values (max-filter-values)");
        assertRefused(get("services", "taxonomy_term_id=" + many), "taxonomy_term_id",
            "taxonomy_term_id has more than 20 values (max-filter-values)");
        assertRefused(get("search", "accessibility=" + many), "accessibility",
            "accessibility has more than 20 values (max-filter-values)");
    }

    @Test
    void coordinatesOutsideTheEarthAreRefused() {
        assertRefused(get("search", "lat=91&lon=10"), "lat", "lat must be between -90 and 90; was 91");
        assertRefused(get("search", "lat=53&lon=NaN"), "lon", "lon must be between -180 and 180; was NaN");
        assertRefused(get("search", "lat=53&lon=10&radius_km=-1"), "radius_km",
            "radius_km must be between 0 and 20000; was -1");
    }

    @Test
    void serviceAtLocationsArePagedBeforeTheirServicesAreCopiedIn() {
        JsonNode all = get("service_at_locations", "per_page=500").body();
        int total = all.get("total_items").asInt();
        assertThat(total).isEqualTo(50); // one site per demo service
        JsonNode page = get("service_at_locations", "per_page=5&page=2").body();
        assertThat(page.get("contents")).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode sal = page.get("contents").get(i);
            assertThat(sal.get("id").asText()).isEqualTo(all.get("contents").get(5 + i).get("id").asText());
            assertThat(sal.get("service").get("id").asText()).isEqualTo(sal.get("service_id").asText());
        }
        String one = all.get("contents").get(7).get("id").asText();
        assertThat(get("service_at_locations/" + one, null).body().get("id").asText()).isEqualTo(one);
        assertThat(get("service_at_locations/00000000-0000-0000-0000-000000000000", null).status()).isEqualTo(404);
    }
}
