package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import de.datenhafen.plugins.transit.timetable.StopSearch;
import de.datenhafen.plugins.transit.timetable.Timetable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the API answers is bounded in bytes, whatever text the timetable or the live state holds. */
class TransitApiAnswerTest {

    @TempDir
    Path dir;
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final FeedState feed = new FeedState("sh");
    private final TransitApi api = new TransitApi(feed, TransitApi.Limits.DEFAULTS, caller -> false);

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    private Timetable load(GtfsFixture f) throws IOException {
        Timetable tt = new GtfsImporter(List.of(), null, false, null).read(f.write(dir.resolve("feed.zip")), "test");
        feed.publish(new FeedState.Loaded(tt, new StopSearch(tt), "sha"));
        return tt;
    }

    private Exchange get(String query) {
        Exchange e = new DefaultExchange(camel);
        e.getIn().setHeader(Exchange.HTTP_QUERY, query);
        return e;
    }

    private static JsonNode json(Exchange e) throws IOException {
        return new ObjectMapper().readTree(e.getMessage().getBody(String.class));
    }

    @Test
    void aStopSearchAnswersTheStopsItFinds() throws IOException {
        load(GtfsFixture.standard());
        Exchange e = get("q=luebeck&limit=200");

        api.stops(e);

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(json(e).get("stops").findValuesAsText("id")).containsExactly("hbf");
    }

    /**
     * A timetable as an import before the text bounds kept it (the probe's stop names of a million characters): the
     * importer refuses such a feed now, also when it comes back from the kept archive, so the names are put in here.
     * Five of them would make an answer of 5 MB; it is refused before it is written whole.
     */
    @Test
    void aStopSearchWhoseAnswerWouldPassFourMebibytesIsRefusedNamingLimit() throws IOException {
        Timetable tt = load(GtfsFixture.standard());
        String name = "Markt " + "x".repeat(999_994);
        for (int s = 0; s < tt.stopNames.length; s++) {
            tt.stopNames[s] = name;
        }
        feed.publish(new FeedState.Loaded(tt, new StopSearch(tt), "sha"));

        assertThatThrownBy(() -> api.stops(get("q=markt&limit=200"))).isInstanceOf(InvalidInputException.class)
            .hasMessage("the answer would be larger than 4194304 bytes; ask for fewer with limit")
            .extracting(x -> ((InvalidInputException) x).field()).isEqualTo("limit");
        Exchange one = get("q=markt&limit=1");
        api.stops(one);
        assertThat(json(one).get("stops").get(0).get("name").asText()).hasSize(1_000_000);
    }

    @Test
    void theStatusListsTheFirstHundredAgenciesAndCountsThemAll() throws IOException {
        StringBuilder agencies = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            agencies.append("a").append(i).append(",Agentur ").append(i).append(",https://x.example,Europe/Berlin\n");
        }
        load(GtfsFixture.standard().append("agency.txt", agencies.toString()));
        Exchange e = get(null);

        api.status(e);

        JsonNode timetable = json(e).get("timetable");
        assertThat(timetable.get("agencyCount").asInt()).isEqualTo(152);
        assertThat(timetable.get("agencies")).hasSize(100);
        assertThat(timetable.get("agencies").get(0).asText()).isEqualTo("Stadtwerke Lübeck Mobil");
    }
}
