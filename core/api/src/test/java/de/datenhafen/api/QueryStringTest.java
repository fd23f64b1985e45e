package de.datenhafen.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueryStringTest {

    @Test
    void readsDecodedPairsWithPlusAsSpace() {
        QueryString q = QueryString.parse("q=Lindenstra%C3%9Fe+3&limit=10&flag");

        assertThat(q.get("q")).isEqualTo("Lindenstraße 3");
        assertThat(q.get("limit")).isEqualTo("10");
        assertThat(q.get("flag")).isEmpty();
        assertThat(q.get("missing")).isNull();
        assertThat(q.get("missing", "20")).isEqualTo("20");
        assertThat(q.names()).containsExactly("q", "limit", "flag");
    }

    @Test
    void aSingleParameterGivenTwiceIsRefusedNamingIt() {
        QueryString q = QueryString.parse("limit=10&limit=20");

        assertThatThrownBy(() -> q.get("limit")).isInstanceOf(InvalidInputException.class)
            .hasMessage("limit is given 2 times; give it once")
            .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("limit");
    }

    @Test
    void aListParameterTakesRepeatedAndCommaSeparatedValuesAlike() {
        assertThat(QueryString.parse("topic=debt&topic=housing,%20work&topic=").all("topic"))
            .containsExactly("debt", "housing", "work");
        assertThat(QueryString.parse("").all("topic")).isEmpty();
    }

    @Test
    void aMalformedEscapeIsTheCallersMistakeNamingTheParameter() {
        assertThatThrownBy(() -> QueryString.parse("q=100%")).isInstanceOf(InvalidInputException.class)
            .hasMessage("malformed %-escape in q: write a '%' as %25");
        assertThatThrownBy(() -> QueryString.parse("%zz=1")).isInstanceOf(InvalidInputException.class)
            .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("query");
    }
}
