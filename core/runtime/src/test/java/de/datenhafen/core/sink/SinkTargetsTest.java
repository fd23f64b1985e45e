package de.datenhafen.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.core.bus.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The sinks' settings as parsed from their URIs, the topic template, the rate limit and the retry jitter. */
class SinkTargetsTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void aTopicTemplateTakesTypeAndSubjectWithWildcardsAndNulMadeSafe() {
        MqttOutTarget t = MqttOutTarget.parse("offers", "tcp://localhost:1883", "city/{type}/{subject}", 1, true,
            null, null, null);

        assertThat(t.topicOf("social.offer", "org-7/offer-3")).isEqualTo("city/social.offer/org-7/offer-3");
        assertThat(t.topicOf("a+b", "x#y\0z")).isEqualTo("city/a_b/x_y_z");
        assertThat(t.topicOf("social.offer", null)).isEqualTo("city/social.offer/_");
    }

    @Test
    void anMqttTargetRefusesWildcardTopicsBadBrokersQos2AndACaForPlainTcp() {
        assertThatThrownBy(() -> MqttOutTarget.parse("o", "tcp://h:1883", "city/#", 1, false, null, null, null))
            .hasMessageContaining("wildcards");
        assertThatThrownBy(() -> MqttOutTarget.parse("o", "http://h:1883", "t", 1, false, null, null, null))
            .hasMessageStartingWith("broker must be tcp://host:port or ssl://host:port");
        assertThatThrownBy(() -> MqttOutTarget.parse("o", "tcp://h:1883", "t", 2, false, null, null, null))
            .hasMessage("qos must be 0 or 1, was 2");
        assertThatThrownBy(() -> MqttOutTarget.parse("o", "tcp://h:1883", "t", 1, false, null, null, "PEM"))
            .hasMessageContaining("is not a TLS address");
    }

    @Test
    void aWebhookTargetRefusesOtherSchemesCredentialsInTheUrlAndValuesOutOfRange() {
        assertThatThrownBy(() -> WebhookTarget.parse("t", "ftp://h/x", SECRET, null, null, 10, 1, 0, false, null))
            .hasMessage("url must be an http:// or https:// address with a host");
        assertThatThrownBy(() -> WebhookTarget.parse("t", "https://u:pw@h/x", SECRET, null, null, 10, 1, 0, false,
            null))
            .hasMessageStartingWith("url must not carry credentials");
        assertThatThrownBy(() -> WebhookTarget.parse("t", "https://h/x", SECRET, null, "mixed", 10, 1, 0, false, null))
            .hasMessage("mode must be structured or binary, was 'mixed'");
        assertThatThrownBy(() -> WebhookTarget.parse("t", "https://h/x", SECRET, null, null, 0, 1, 0, false, null))
            .hasMessage("timeoutSeconds must be between 1 and 300, was 0");
        assertThatThrownBy(() -> WebhookTarget.parse("t", "https://h/x", SECRET, null, null, 10, 65, 0, false, null))
            .hasMessage("concurrency must be between 1 and 64, was 65");
        assertThatThrownBy(() -> WebhookTarget.parse("t", "https://h/x", SECRET, null, null, 10, 1, -1, false, null))
            .hasMessage("ratePerSecond must be 0 (no limit) or more, was -1.0");
    }

    @Test
    void aWebhookTargetRefusesACaCertificateForAnHttpUrlOrThatIsNoCertificateWithoutRepeatingIt() {
        String key = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIHNvbWUtdGVzdC10ZXh0\n-----END PRIVATE KEY-----";

        assertThatThrownBy(() -> WebhookTarget.parse("t", "http://h/x", SECRET, null, null, 10, 1, 0, false, key))
            .hasMessage("caCertificate is set but url is not an https:// address: a private authority's certificate "
                + "is used only over TLS");
        assertThatThrownBy(() -> WebhookTarget.parse("t", "https://h/x", SECRET, null, null, 10, 1, 0, false, key))
            .hasMessageStartingWith("caCertificate holds a private key (-----BEGIN PRIVATE KEY-----)")
            .hasMessageNotContaining("MC4CAQAw");
        assertThatThrownBy(() -> WebhookTarget.parse("t", "https://h/x", SECRET, null, null, 10, 1, 0, false, "CA"))
            .hasMessageStartingWith("caCertificate holds no certificate in PEM form");
        assertThat(WebhookTarget.parse("t", "https://h/x", SECRET, null, null, 10, 1, 0, false, " ").trust())
            .as("blank, as Camel gives an empty RAW()").isNull();
    }

    @Test
    void aWebhookTargetShowsItsUrlWithoutQueryAndNoSecret() {
        WebhookTarget t = WebhookTarget.parse("t", "https://h.example:8443/hook?token=abc", SECRET, SECRET,
            "binary", 5, 4, 20, true, null);

        assertThat(t.shownUrl()).isEqualTo("https://h.example:8443/hook");
        assertThat(t.toString()).doesNotContain("token=abc").doesNotContain("whsec_").contains("2 secret(s)");
    }

    @Test
    void theRateLimitSpacesRequestsEvenlyAndZeroMeansNoLimit() {
        RateLimit limit = new RateLimit(10);
        long now = 1_000_000L;

        assertThat(limit.reserve(now)).isZero();
        assertThat(limit.reserve(now)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(limit.reserve(now)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(new RateLimit(0).reserve(now)).isZero();
    }

    @Test
    void jitterOnlyShortensTheBackOffByAtMostItsShare() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(1), 0.5);

        assertThat(p.delayAfter(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayAfter(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.jitteredDelayAfter(2, () -> 0.0)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.jitteredDelayAfter(2, () -> 0.999999)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.jitteredDelayAfter(2, () -> 0.5)).isEqualTo(Duration.ofMillis(300));
        assertThat(new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(1)).jitteredDelayAfter(3))
            .isEqualTo(Duration.ofMillis(800));
        assertThatThrownBy(() -> new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(1), 1.5))
            .hasMessage("jitter must be between 0 and 1, was 1.5");
    }
}
