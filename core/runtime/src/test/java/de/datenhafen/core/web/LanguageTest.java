package de.datenhafen.core.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LanguageTest {

    @Test
    void isGermanWithoutAPreference() {
        assertThat(Language.fromAcceptLanguage(null)).isEqualTo(Language.DE);
        assertThat(Language.fromAcceptLanguage("")).isEqualTo(Language.DE);
        assertThat(Language.fromAcceptLanguage("fr-FR,fr;q=0.9,*;q=0.5")).isEqualTo(Language.DE);
    }

    @Test
    void takesTheBrowsersMostPreferredLanguageTheHubSpeaks() {
        assertThat(Language.fromAcceptLanguage("en-GB,en;q=0.9,de;q=0.8")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("fr;q=1, de;q=0.4, en;q=0.7")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage("de-AT, en;q=0.5")).isEqualTo(Language.DE);
    }

    @Test
    void ignoresBrokenQualityValues() {
        assertThat(Language.fromAcceptLanguage("en;q=abc, de;q=0.2")).isEqualTo(Language.DE);
    }

    /** An empty range (";", "en, ;") threw, and every console page answered 500 to it (a review's probe). */
    @Test
    void skipsEmptyRanges() {
        assertThat(Language.fromAcceptLanguage(";")).isEqualTo(Language.DE);
        assertThat(Language.fromAcceptLanguage("en, ;")).isEqualTo(Language.EN);
        assertThat(Language.fromAcceptLanguage(",,;,")).isEqualTo(Language.DE);
    }

    @Test
    void knowsOnlyItsOwnCodes() {
        assertThat(Language.of("EN")).contains(Language.EN);
        assertThat(Language.of("english")).isEmpty();
        assertThat(Language.of((String) null)).isEmpty();
    }
}
