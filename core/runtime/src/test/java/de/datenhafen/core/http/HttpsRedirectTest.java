package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The Location of the plain-HTTP listener's 308: the configured https address, then the path and query as sent. */
class HttpsRedirectTest {

    private final HttpsRedirect redirect = new HttpsRedirect("https://hub.example.org");

    @Test
    void keepsAPercentEncodedPathAndQueryAsSent() {
        assertThat(redirect.location("/api/v1/events/%C3%BCber", "type=air.reading&subject=raum%2F1.07"))
            .isEqualTo("https://hub.example.org/api/v1/events/%C3%BCber?type=air.reading&subject=raum%2F1.07");
    }

    @Test
    void aPathOfTwoSlashesStaysAPathOnTheConfiguredHost() {
        assertThat(redirect.location("//evil.example/x", null)).isEqualTo("https://hub.example.org//evil.example/x");
    }

    @Test
    void rawBytesSpacesQuotesAndAHashArePercentEncodedSoTheLocationIsOneUrl() {
        assertThat(redirect.location("/caf\u00e9 \"x\"#frag", "a=<b>|c"))
            .isEqualTo("https://hub.example.org/caf%E9%20%22x%22%23frag?a=%3Cb%3E%7Cc");
    }

    @Test
    void anAsteriskOrEmptyTargetRedirectsToTheRoot() {
        assertThat(redirect.location("*", null)).isEqualTo("https://hub.example.org/");
        assertThat(redirect.location("", "")).isEqualTo("https://hub.example.org/?");
    }

    @Test
    void refusesATargetThatIsNotHttps() {
        assertThatThrownBy(() -> new HttpsRedirect("http://hub.example.org"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("the redirect target must be an https:// URL without a trailing slash, was http://hub.example.org");
    }
}
