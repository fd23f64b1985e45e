package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which client an address counts for in {@code http.max-connections-per-address}. */
class ConnectionLimitClientTest {

    @Test
    void anIpv4AddressIsItsOwnClient() {
        assertThat(ConnectionLimit.client("192.0.2.17")).isEqualTo("192.0.2.17");
        assertThat(ConnectionLimit.client("192.0.2.18")).isEqualTo("192.0.2.18");
    }

    @Test
    void everyIpv6AddressOfOneSlash64IsOneClientAndAnotherSlash64IsAnother() {
        String a = ConnectionLimit.client("2001:db8:0:1:0:0:0:1");
        assertThat(a).isEqualTo("2001:db8:0:1::/64");
        assertThat(ConnectionLimit.client("2001:db8:0:1:ffff:1234:5678:9abc")).isEqualTo(a);
        assertThat(ConnectionLimit.client("2001:db8:0:1:0:0:0:2%eth0")).isEqualTo(a);
        assertThat(ConnectionLimit.client("2001:db8:0:2:0:0:0:1")).isEqualTo("2001:db8:0:2::/64");
    }
}
