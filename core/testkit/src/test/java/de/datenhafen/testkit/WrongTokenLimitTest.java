package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guessing tokens is slowed down per client address: ten wrong ones a minute, then 429 until the minute is over. */
class WrongTokenLimitTest {

    static final java.nio.file.Path ARCHIVES = TestDirs.create("wrong-token-limit");

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .plugin(() -> de.datenhafen.fixtures.Fixtures.working(ARCHIVES)).build();

    @Test
    void wrongHubTokensOnAPublicPluginRouteCountTooButAPluginsOwnTokensDoNot() throws Exception {
        HubClient.Response created = hub.client().post("/api/v1/admin/integrations", new io.vertx.core.json.JsonObject()
            .put("name", "open").put("connector", "fixture-guarded").put("config", new io.vertx.core.json.JsonObject()
                .put("path", "open").put("access", "public")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        InetAddress guesser = InetAddress.getByName("127.0.0.5");
        InetAddress pluginClient = InetAddress.getByName("127.0.0.6");
        for (int i = 0; i < 10; i++) {
            assertThat(get(guesser, "/api/v1/plugins/fixture/open", "dh_aaaaaaaaaaaa_guess-" + i).status())
                .isEqualTo(200); // public: a caller the hub does not know is anonymous
            assertThat(get(pluginClient, "/api/v1/plugins/fixture/open", "the-plugins-own-" + i).status())
                .isEqualTo(200);
        }

        RawHttp.Answer blocked = get(guesser, "/api/v1/plugins/fixture/open", "dh_aaaaaaaaaaaa_guess-10");
        RawHttp.Answer ownToken = get(pluginClient, "/api/v1/plugins/fixture/open", "the-plugins-own-10");
        RawHttp.Answer hubRoute = get(guesser, "/api/v1/admin/plugins", hub.client().adminToken());

        assertThat(blocked.status()).as(blocked.toString()).isEqualTo(429);
        assertThat(ownToken.status()).isEqualTo(200);
        assertThat(hubRoute.status()).as("one limit for the hub's and the plugins' routes").isEqualTo(429);
    }

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
        return get(from, "/api/v1/admin/plugins", token);
    }

    private static RawHttp.Answer get(InetAddress from, String path, String token) {
        String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Authorization: Bearer " + token + "\r\n\r\n";
        return RawHttp.sendFrom(from, hub.hub().port(), request.getBytes(StandardCharsets.UTF_8));
    }
}
