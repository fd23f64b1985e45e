package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guessing tokens is slowed down per client address: ten wrong ones a minute, then 429 until the minute is over. */
class WrongTokenLimitTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    @Test
    void theEleventhWrongTokenWithinAMinuteIs429WhileAnotherAddressStillGetsIn() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.3");
        for (int i = 0; i < 10; i++) {
            RawHttp.Answer a = get(attacker, "guess-" + i);
            assertThat(a.status()).as(a.toString()).isEqualTo(401);
        }

        RawHttp.Answer blocked = get(attacker, "guess-10");
        RawHttp.Answer blockedEvenWithTheRightToken = get(attacker, hub.client().adminToken());
        RawHttp.Answer otherClient = get(InetAddress.getByName("127.0.0.4"), hub.client().adminToken());

        assertThat(blocked.status()).as(blocked.toString()).isEqualTo(429);
        assertThat(Integer.parseInt(blocked.header("Retry-After"))).isBetween(1, 60);
        assertThat(blocked.body()).contains("\"error\":\"too many wrong tokens from this address; try again in ");
        assertThat(blocked.body()).contains("\"field\":\"Authorization\"");
        assertThat(blockedEvenWithTheRightToken.status()).isEqualTo(429);
        assertThat(otherClient.status()).as(otherClient.toString()).isEqualTo(200);
    }

    private static RawHttp.Answer get(InetAddress from, String token) {
        String request = "GET /api/v1/admin/plugins HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Authorization: Bearer " + token + "\r\n\r\n";
        return RawHttp.sendFrom(from, hub.hub().port(), request.getBytes(StandardCharsets.UTF_8));
    }
}
