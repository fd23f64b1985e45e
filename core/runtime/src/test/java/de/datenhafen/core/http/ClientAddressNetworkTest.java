package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which client an address counts for in the connection bound, the body budget and the failed-login limits
 * ({@link ClientAddress#network}).
 */
class ClientAddressNetworkTest {

    @Test
    void anIpv4AddressIsItsOwnClient() {
        assertThat(ClientAddress.network("192.0.2.17")).isEqualTo("192.0.2.17");
        assertThat(ClientAddress.network("192.0.2.18")).isEqualTo("192.0.2.18");
    }

    @Test
    void everyIpv6AddressOfOneSlash64IsOneClientAndAnotherSlash64IsAnother() {
        String a = ClientAddress.network("2001:db8:0:1:0:0:0:1");
        assertThat(a).isEqualTo("2001:db8:0:1::/64");
        assertThat(ClientAddress.network("2001:db8:0:1:ffff:1234:5678:9abc")).isEqualTo(a);
        assertThat(ClientAddress.network("2001:db8:0:1:0:0:0:2%eth0")).isEqualTo(a);
        assertThat(ClientAddress.network("2001:db8:0:2:0:0:0:1")).isEqualTo("2001:db8:0:2::/64");
    }

    @Test
    void whatIsNoAddressLiteralStaysAsItIsAndIsNeverLookedUp() {
        assertThat(ClientAddress.network("?")).isEqualTo("?");
        assertThat(ClientAddress.network("")).isEqualTo("");
        assertThat(ClientAddress.network("hub.invalid:443")).isEqualTo("hub.invalid:443");
        assertThat(ClientAddress.network("2001:db8::zz")).isEqualTo("2001:db8::zz");
    }
}
