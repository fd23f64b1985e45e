package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GermanSearchTest {

    private final Map<String, IndexedService.Term> terms = new HashMap<>();
    private SearchIndex index;

    @BeforeEach
    void fill() {
        for (ObjectNode t : CityTaxonomy.terms()) {
            terms.put(Json.str(t, "id"), new IndexedService.Term(Json.str(t, "code"), Json.str(t, "name"),
                Json.str(t, "description")));
        }
        index = new SearchIndex(terms);
        add("1", "Schuldnerberatung", "Hilfe bei Mahnungen und Pfändungen.", "debt");
        add("2", "Migrationsberatung für Erwachsene", "Beratung zu Aufenthalt und Sprachkursen.", "migration");
        add("3", "Straßenfußball für Jugendliche", "Jeden Freitag auf dem Bolzplatz.", "youth");
        add("4", "Hafenkonzert", "Kammermusik im Speicher.", "concert");
    }

    private void add(String id, String name, String description, String topic) {
        ObjectNode s = Json.object().put("id", id).put("name", name).put("description", description)
            .put("status", "active");
        s.putArray("attributes").add(Json.object().put("id", "a" + id)
            .put("taxonomy_term_id", CityTaxonomy.termId(topic)));
        index.put(IndexedService.of(s, "org", Instant.EPOCH, terms, ZoneId.of("Europe/Berlin")));
    }

    private List<String> ids(String text) {
        return index.search(new SearchIndex.Query(text, null, null, false, null, null, null, null, null, 1, 10))
            .hits().stream().map(h -> h.service().id()).toList();
    }

    @Test
    void foldsUmlautsAndSharpS() {
        assertThat(GermanText.fold("Straßenfußball Übergänge")).isEqualTo("strassenfussball ubergange");
        assertThat(ids("strassenfussball")).containsExactly("3");
        assertThat(ids("Straßenfußball")).containsExactly("3");
    }

    @Test
    void stemsInflectedWords() {
        assertThat(GermanText.stem("schulden")).isEqualTo("schuld");
        assertThat(GermanText.stem("beratungen")).isEqualTo("beratung");
        assertThat(GermanText.stem("erwachsenen")).isEqualTo(GermanText.stem("erwachsene"));
    }

    @Test
    void findsACompoundByItsFirstPartInflected() {
        assertThat(ids("Schulden")).containsExactly("1");
    }

    @Test
    void findsACompoundByItsLastPart() {
        assertThat(ids("Beratung")).containsExactlyInAnyOrder("1", "2");
        assertThat(ids("Fußball")).containsExactly("3");
    }

    @Test
    void findsByTheTopicsEnglishName() {
        assertThat(ids("debt")).containsExactly("1");
        assertThat(ids("concert")).containsExactly("4");
    }

    @Test
    void everyQueryWordMustMatch() {
        assertThat(ids("Beratung Aufenthalt")).containsExactly("2");
        assertThat(ids("Beratung Konzert")).isEmpty();
    }

    @Test
    void shortWordsDoNotMatchInsideOthers() {
        assertThat(ids("rat")).isEmpty();
    }

    @Test
    void namesTheMatchInTheReason() {
        SearchIndex.Hit hit = index.search(new SearchIndex.Query("Schulden", Set.of(CityTaxonomy.termId("debt")), null,
            false, null, null, null, null, null, 1, 10)).hits().get(0);
        assertThat(hit.reason()).isEqualTo("'schuld' in name (beginning of the word 'schuldnerberatung'); "
            + "topic Schuldnerberatung / Debt counselling");
    }
}
