package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.config.HubConfig;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An IPv6 client has a whole /64 network to send from: the failed-login limits count it by that network, not by the
 * address of each request, or a guesser would get ten tries a minute from each of 2^64 addresses. Real connections
 * from addresses put on the loopback interface ({@link Ipv6Loopback}) to a hub listening on {@code ::}.
 */
class Ipv6ClientsTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().config(HubConfig.HTTP_HOST, "::").build();

    /** Twelve addresses of one /64 for the token guesser, two of another for the sign-in guesser, one elsewhere. */
    private static Ipv6Loopback lo;

    @BeforeAll
    static void addresses() {
        lo = Ipv6Loopback.add("2001:db8:61:1::1", "2001:db8:61:1::2", "2001:db8:61:1::3", "2001:db8:61:1::4",
            "2001:db8:61:1::5", "2001:db8:61:1::6", "2001:db8:61:1::7", "2001:db8:61:1::8", "2001:db8:61:1::9",
            "2001:db8:61:1::a", "2001:db8:61:1:ffff:ffff:ffff:ffff", "2001:db8:61:1:1234::b",
            "2001:db8:61:2::1", "2001:db8:61:2::2", "2001:db8:61:3::1");
    }

    @AfterAll
    static void removeAddresses() {
        if (lo != null) {
            lo.close();
        }
    }

    @Test
    void wrongTokensFromTenAddressesOfOneSlash64TurnAwayTheNextAddressOfItButNotAnotherNetwork() {
        for (int i = 0; i < 10; i++) {
            RawHttp.Answer a = get(lo.address(i), "dh_aaaaaaaaaaaa_guess-" + i);
            assertThat(a.status()).as(a.toString()).isEqualTo(401);
        }

        RawHttp.Answer sameNetwork = get(lo.address(10), "dh_aaaaaaaaaaaa_guess-10");
        RawHttp.Answer sameNetworkRightToken = get(lo.address(11), hub.client().adminToken());
        RawHttp.Answer otherNetwork = get(lo.address(14), hub.client().adminToken());

        assertThat(sameNetwork.status()).as(sameNetwork.toString()).isEqualTo(429);
        assertThat(sameNetwork.body()).contains("too many wrong tokens from this address");
        assertThat(sameNetworkRightToken.status()).as("the whole /64 waits").isEqualTo(429);
        assertThat(otherNetwork.status()).as(otherNetwork.toString()).isEqualTo(200);
    }

    @Test
    void wrongPasswordsAlternatingBetweenTwoAddressesOfOneSlash64AreCountedTogether() {
        for (int i = 0; i < 10; i++) {
            RawHttp.Answer a = MembersAndAccessTest.login(lo.address(12 + i % 2), hub.hub().port(), "nobody",
                "wrong " + i);
            assertThat(a.status()).as(a.toString()).isEqualTo(401);
        }

        RawHttp.Answer eleventh = MembersAndAccessTest.login(lo.address(13), hub.hub().port(), "nobody", "wrong 10");

        assertThat(eleventh.status()).as(eleventh.toString()).isEqualTo(429);
        assertThat(eleventh.body()).contains("too many failed sign-ins");
        // the audit log keeps each request's own address, not the network it was counted by
        assertThat(hub.client().get("/api/v1/admin/audit?action=POST%20/api/v1/auth/login&limit=100").body())
            .contains("2001:db8:61:2:0:0:0:1", "2001:db8:61:2:0:0:0:2");
    }

    private static RawHttp.Answer get(InetAddress from, String token) {
        String request = "GET /api/v1/admin/plugins HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Authorization: Bearer " + token + "\r\n\r\n";
        return RawHttp.sendFrom(from, hub.hub().port(), request.getBytes(StandardCharsets.US_ASCII));
    }
}
