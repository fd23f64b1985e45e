package de.datenhafen.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the hub's sinks may connect: public addresses, what the operator listed, and the hub's own public URL. */
class SinkAddressPolicyTest {

    private static final SinkAddressPolicy PUBLIC_ONLY = SinkAddressPolicy.publicOnly();

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal); // literals only: no lookup
    }

    private static boolean isPublic(String literal) throws Exception {
        return SinkAddressPolicy.isPublic(ip(literal));
    }

    @Test
    void refusesEveryNonPublicIpv4Range() throws Exception {
        for (String a : List.of("127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255",
            "172.16.0.1", "172.31.255.255", "192.168.0.1", "192.168.255.255", "169.254.169.254", "169.254.0.1",
            "100.64.0.1", "100.127.255.255", "192.0.0.8", "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1",
            "198.19.255.255", "192.88.99.1", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255")) {
            assertThat(isPublic(a)).as(a).isFalse();
        }
    }

    @Test
    void allowsPublicIpv4AddressesAtTheRangesEdges() throws Exception {
        for (String a : List.of("8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0",
            "192.167.255.255", "192.169.0.0", "169.253.255.255", "169.255.0.0", "100.63.255.255", "100.128.0.0",
            "126.255.255.255", "128.0.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255", "192.0.1.1")) {
            assertThat(isPublic(a)).as(a).isTrue();
        }
    }

    @Test
    void refusesNonPublicIpv6AndIpv6FormsOfRefusedIpv4Addresses() throws Exception {
        for (String a : List.of("::1", "::", "fe80::1", "febf::1", "fc00::1", "fd12:3456::1", "ff02::1", "fec0::1",
            "100::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
            "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1", "2002:7f00:1::", "2002:a9fe:a9fe::1",
            "2002:c0a8:101::1", "2001:db8::1", "2001::1", "2001:0:4136:e378::1", "3fff::1")) {
            assertThat(isPublic(a)).as(a).isFalse();
        }
    }

    @Test
    void allowsGlobalIpv6AndIpv6FormsOfPublicIpv4Addresses() throws Exception {
        for (String a : List.of("2a00:1450:4001:80b::200e", "2606:4700:4700::1111", "64:ff9b::808:808",
            "2002:808:808::1", "::ffff:8.8.8.8")) {
            assertThat(isPublic(a)).as(a).isTrue();
        }
    }

    @Test
    void aTargetWrittenAsARefusedAddressIsRefusedAtConfigurationNamingTheFieldAndTheSetting() {
        for (String host : List.of("127.0.0.1", "[::1]", "169.254.169.254", "10.1.2.3", "[::ffff:127.0.0.1]",
            "[64:ff9b::a9fe:a9fe]", "0.0.0.0", "[fe80::1%25eth0]", "100.64.1.1")) {
            assertThatThrownBy(() -> PUBLIC_ONLY.checkConfigured("url", "http://" + host + ":18999/x", host, 18999))
                .as(host).isInstanceOfSatisfying(SinkAddressPolicy.Refused.class, r -> {
                    assertThat(r.field()).isEqualTo("url");
                    assertThat(r.value()).isEqualTo("http://" + host + ":18999/x");
                    assertThat(r.getMessage()).startsWith("url: ").contains("is not a public address")
                        .contains(SinkAddressPolicy.SETTING);
                });
        }
        assertThatThrownBy(() -> PUBLIC_ONLY.checkConfigured("url", "http://127.0.0.1/", "127.0.0.1", 80))
            .hasMessage("url: 127.0.0.1 is not a public address (loopback); the hub sends to public addresses only; "
                + "an operator can allow a host or network for all sinks in the hub setting "
                + "sinks.allowed-private-hosts");
        assertThatThrownBy(() -> PUBLIC_ONLY.checkConfigured("url", "http://169.254.169.254/", "169.254.169.254", 80))
            .hasMessageContaining("(link-local)");
    }

    @Test
    void numericHostsAResolverReadsAsAddressesAreRefusedAsTheAddressTheyStandFor() {
        // inet_aton's forms: a name check that let these through would hand them to a resolver that reads 127.0.0.1
        for (String host : List.of("127.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "127.0.1",
            "0", "0x0a.0x01.0x02.0x03", "169.254.43518")) {
            assertThatThrownBy(() -> PUBLIC_ONLY.checkConfigured("url", "http://" + host + "/", host, 80)).as(host)
                .isInstanceOf(SinkAddressPolicy.Refused.class);
        }
        assertThat(SinkAddressPolicy.literal("2130706433")).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(SinkAddressPolicy.literal("example.org")).isNull();
        assertThat(SinkAddressPolicy.literal("cafe.de")).isNull();
        assertThat(SinkAddressPolicy.literal("1.2.3.4.5")).isNull();
    }

    @Test
    void publicAddressesAndHostNamesPassAtConfiguration() {
        for (String host : List.of("8.8.8.8", "[2606:4700:4700::1111]", "receiver.example.org", "localhost",
            "tickets.example.org.")) {
            assertThatCode(() -> PUBLIC_ONLY.checkConfigured("url", "https://" + host + "/", host, 443)).as(host)
                .doesNotThrowAnyException();
        }
    }

    @Test
    void aNameIsCheckedAsItResolvesAtConnection() throws Exception {
        // localhost is a name, so it passes at configuration, and resolves to loopback when connecting
        assertThatThrownBy(() -> PUBLIC_ONLY.resolve("localhost", 18999))
            .isInstanceOf(SinkAddressPolicy.Refused.class)
            .hasMessageContaining("localhost is not a public address")
            .hasMessageContaining(SinkAddressPolicy.SETTING)
            .hasMessageNotContaining("127.0.0.1"); // what a name resolves to is not told
        assertThatThrownBy(() -> PUBLIC_ONLY.resolve("127.0.0.1", 80)).isInstanceOf(SinkAddressPolicy.Refused.class);
        assertThatThrownBy(() -> PUBLIC_ONLY.resolve("[::1]", 80)).isInstanceOf(SinkAddressPolicy.Refused.class);
        assertThat(PUBLIC_ONLY.resolve("8.8.8.8", 443)).isEqualTo(ip("8.8.8.8"));
    }

    @Test
    void theAllowListLetsListedNetworksAddressesAndNamesThroughAndNothingElse() throws Exception {
        SinkAddressPolicy policy = SinkAddressPolicy.of(List.of("10.20.0.0/16", " 127.0.0.1 ", "fd00::/8",
            "Receiver.Internal", "*.corp.example", "::1"));

        assertThatCode(() -> policy.checkConfigured("url", "v", "10.20.3.4", 80)).doesNotThrowAnyException();
        assertThatCode(() -> policy.checkConfigured("url", "v", "127.0.0.1", 80)).doesNotThrowAnyException();
        assertThatCode(() -> policy.checkConfigured("url", "v", "[fd12::1]", 80)).doesNotThrowAnyException();
        assertThatCode(() -> policy.checkConfigured("url", "v", "[::1]", 80)).doesNotThrowAnyException();
        assertThatCode(() -> policy.checkConfigured("url", "v", "[::ffff:10.20.0.1]", 80)).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.checkConfigured("url", "v", "10.21.0.1", 80))
            .isInstanceOf(SinkAddressPolicy.Refused.class);
        assertThatThrownBy(() -> policy.checkConfigured("url", "v", "127.0.0.2", 80))
            .isInstanceOf(SinkAddressPolicy.Refused.class);
        assertThatThrownBy(() -> policy.checkConfigured("url", "v", "169.254.169.254", 80))
            .isInstanceOf(SinkAddressPolicy.Refused.class);
        assertThatThrownBy(() -> policy.checkConfigured("url", "v", "[fe80::1]", 80))
            .isInstanceOf(SinkAddressPolicy.Refused.class);

        assertThat(policy.allowed(ip("10.20.255.255"))).isTrue();
        assertThat(policy.allowed(ip("64:ff9b::a14:101"))).as("NAT64 of 10.20.1.1").isTrue();
        assertThat(policy.allowed(ip("10.19.0.1"))).isFalse();
        assertThat(policy.allowed(ip("8.8.8.8"))).isTrue();
        // 127.0.0.1 is listed, so localhost (by its address) and the listed name pass when connecting
        assertThat(policy.resolve("localhost", 1).isLoopbackAddress()).isTrue();
        assertThat(SinkAddressPolicy.of(List.of("localhost")).resolve("LOCALHOST", 1).isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> SinkAddressPolicy.of(List.of("*.localhost")).resolve("localhost", 1))
            .as("*.x lists x's subdomains, not x").isInstanceOf(SinkAddressPolicy.Refused.class);
    }

    @Test
    void aBadAllowListEntryIsNamed() {
        for (String bad : List.of("10.0.0.0/33", "http://x", "a b", "::1/129", "10.0.0.0/x")) {
            assertThatThrownBy(() -> SinkAddressPolicy.of(List.of(bad))).as(bad)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
        assertThatCode(() -> SinkAddressPolicy.of(List.of("", " "))).doesNotThrowAnyException();
    }

    @Test
    void theHubsOwnPublicUrlIsAllowedOnItsPortOnly() throws Exception {
        SinkAddressPolicy policy = PUBLIC_ONLY.withOwnUrl(() -> "http://localhost:18080");

        assertThat(policy.resolve("localhost", 18080).isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> policy.resolve("localhost", 18081)).isInstanceOf(SinkAddressPolicy.Refused.class);
        assertThatCode(() -> PUBLIC_ONLY.withOwnUrl(() -> "http://127.0.0.1:8080")
            .checkConfigured("url", "v", "127.0.0.1", 8080)).doesNotThrowAnyException();
        assertThatThrownBy(() -> PUBLIC_ONLY.withOwnUrl(() -> "http://127.0.0.1:8080")
            .checkConfigured("url", "v", "127.0.0.1", 80)).isInstanceOf(SinkAddressPolicy.Refused.class);
    }

    @Test
    void aTargetGivenAsAUriIsCheckedAtItsHostAndThePortItOrItsSchemeNames() {
        assertThatThrownBy(() -> PUBLIC_ONLY.checkConfigured("url", " http://[::1]/ "))
            .isInstanceOfSatisfying(SinkAddressPolicy.Refused.class, r -> {
                assertThat(r.getMessage()).startsWith("url: ::1 is not a public address (loopback); ");
                assertThat(r.value()).isEqualTo(" http://[::1]/ ");
            });
        assertThatThrownBy(() -> PUBLIC_ONLY.checkConfigured("broker", "ssl://10.0.0.5:8883"))
            .hasMessageStartingWith("broker: 10.0.0.5 is not a public address (private); ");
        // the hub's own URL is allowed on its port only: the scheme's when the target names none
        SinkAddressPolicy own = PUBLIC_ONLY.withOwnUrl(() -> "https://10.0.0.5");
        assertThatCode(() -> own.checkConfigured("url", "https://10.0.0.5/in")).doesNotThrowAnyException();
        assertThatThrownBy(() -> own.checkConfigured("url", "http://10.0.0.5/in"))
            .isInstanceOf(SinkAddressPolicy.Refused.class);
        assertThatCode(() -> PUBLIC_ONLY.withOwnUrl(() -> "http://10.0.0.5:8883")
            .checkConfigured("broker", "ssl://10.0.0.5")).doesNotThrowAnyException();
        // what is no URI with a host is the business of the key's own checks
        for (String other : new String[] {"not a url", "/relative/path", "http://", "mailto:ops@example.org"}) {
            assertThatCode(() -> PUBLIC_ONLY.checkConfigured("url", other)).as(other).doesNotThrowAnyException();
        }
        assertThatCode(() -> PUBLIC_ONLY.checkConfigured("url", "https://hooks.example.org/x"))
            .doesNotThrowAnyException();
    }

    @Test
    void theSinksTargetsAreCheckedWhenTheirEndpointsAreMade() {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        assertThatThrownBy(() -> WebhookTarget.parse("t", "http://127.0.0.1:18999/x", secret, null, null, 10, 1, 0,
            false, null, PUBLIC_ONLY)).isInstanceOfSatisfying(SinkAddressPolicy.Refused.class,
                r -> assertThat(r.field()).isEqualTo("url"));
        assertThatThrownBy(() -> WebhookTarget.parse("t", "http://[fd00::5]/x", secret, null, null, 10, 1, 0,
            false, null, PUBLIC_ONLY)).isInstanceOf(SinkAddressPolicy.Refused.class);
        assertThatThrownBy(() -> MqttOutTarget.parse("o", "tcp://192.168.1.10:1883", "t", 1, false, null, null, null,
            PUBLIC_ONLY)).isInstanceOfSatisfying(SinkAddressPolicy.Refused.class,
                r -> assertThat(r.field()).isEqualTo("broker"));
        assertThatThrownBy(() -> MqttOutTarget.parse("o", "ssl://[::1]:8883", "t", 1, false, null, null, null,
            PUBLIC_ONLY)).isInstanceOf(SinkAddressPolicy.Refused.class);
        assertThatCode(() -> MqttOutTarget.parse("o", "tcp://127.0.0.1:1883", "t", 1, false, null, null, null,
            SinkAddressPolicy.of(List.of("127.0.0.0/8")))).doesNotThrowAnyException();
        assertThatCode(() -> WebhookTarget.parse("t", "https://hooks.example.org/x", secret, null, null, 10, 1, 0,
            false, null, PUBLIC_ONLY)).doesNotThrowAnyException();
    }
}
