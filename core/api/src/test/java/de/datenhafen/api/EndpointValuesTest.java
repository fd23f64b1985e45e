package de.datenhafen.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.Test;

/** A config value goes into an endpoint URI as one value, read back by Camel as it was given. */
class EndpointValuesTest {

    @Test
    void aValueThatLooksLikeMoreOptionsStaysOneValueAsCamelReadsIt() throws Exception {
        for (String value : new String[] {"60000&period=1", "x%26exceptionHandler=#bean:x", "a+b c/=?", "f(x)",
            "{json}", "Grüße <&> \" | \\ ^"}) {
            String uri = "timer:t?period=" + EndpointValues.raw("period", value) + "&delay=5";

            String normalized = URISupport.normalizeUri(uri); // as Camel reads an endpoint's options
            var options = URISupport.parseQuery(normalized.substring(normalized.indexOf('?') + 1), true);
            URISupport.resolveRawParameterValues(options);
            assertThat(options).as(uri).containsOnlyKeys("period", "delay").containsEntry("period", value);
        }
    }

    @Test
    void refusesWhatNoUriCarriesNamingTheValueButNeverShowingIt() {
        assertThat(EndpointValues.problem("plain value, with one space")).isNull();
        assertThat(EndpointValues.problem("a)b}c")).isEqualTo("must not hold both ) and }");
        assertThat(EndpointValues.problem("https://example.org/?t={{env:DATENHAFEN_ADMIN_TOKEN}}"))
            .isEqualTo("must not hold {{: Camel would read a property placeholder there");
        assertThat(EndpointValues.problem("{json}")).isNull();
        for (String value : new String[] {"a\tb", "line\nbreak", "cr\rhere", "no\u00a0break", "sep\u2028arator",
            "nul\u0000"}) {
            assertThat(EndpointValues.problem(value)).as(value).isEqualTo("holds a character an endpoint URI cannot "
                + "carry: a line break, a tab, another control character or a space other than the plain one");
            assertThatThrownBy(() -> EndpointValues.raw("password", "s3cret" + value)).as(value)
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("password holds a character")
                .hasMessageNotContaining("s3cret");
        }
    }

    @Test
    void aCertificateGoesWithoutWhatNoUriCarries() {
        assertThat(EndpointValues.withoutUncarriable("-----BEGIN CERTIFICATE-----\r\nMIIB\tAAA\u00a0=\n"))
            .isEqualTo("-----BEGIN CERTIFICATE-----MIIBAAA=");
    }
}
