package de.datenhafen.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.bus.RetentionPolicy;
import de.datenhafen.core.http.ConnectionLimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubConfigTest {

    @TempDir
    Path home;

    @Test
    void tellsTheH2UrlsWhoseFilesAThreadsInterruptClosesFromTheOthers() {
        for (String url : new String[] {"jdbc:h2:file:/srv/hub/data/datenhafen;WRITE_DELAY=0",
            "jdbc:h2:/srv/hub/data/datenhafen", "jdbc:h2:./data/datenhafen", "jdbc:h2:~/datenhafen",
            "JDBC:H2:FILE:/srv/x", "jdbc:h2:nio:/srv/x", "jdbc:h2:split:file:/srv/x", "jdbc:h2:split:28:nio:/srv/x"}) {
            assertThat(HubConfig.interruptibleH2File(url)).as(url).isTrue();
        }
        for (String url : new String[] {"jdbc:h2:async:/srv/hub/data/datenhafen;WRITE_DELAY=0", "jdbc:h2:retry:/srv/x",
            "jdbc:h2:split:async:/srv/x", "jdbc:h2:mem:test", "jdbc:h2:tcp://db:9092/x", "jdbc:h2:ssl://db/x",
            "jdbc:postgresql://db/hub", null}) {
            assertThat(HubConfig.interruptibleH2File(url)).as(String.valueOf(url)).isFalse();
        }
    }

    @Test
    void theSinksAllowListIsEmptyByDefaultTakesHostsAndNetworksAndNamesABadEntry() throws Exception {
        java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
        assertThat(HubConfig.load(home, Map.of(), Map.of()).sinkAddressPolicy().allowed(loopback)).isFalse();
        HubConfig listed = HubConfig.load(home, Map.of("DATENHAFEN_SINKS_ALLOWED_PRIVATE_HOSTS",
            "127.0.0.0/8, receiver.internal"), Map.of());
        assertThat(listed.sinkAddressPolicy().allowed(loopback)).isTrue();

        HubConfig bad = HubConfig.load(home, Map.of(), Map.of("sinks.allowed-private-hosts", "10.0.0.0/40"));
        assertThatThrownBy(bad::sinkAddressPolicy).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("sinks.allowed-private-hosts");
            assertThat(e.getMessage()).contains("'10.0.0.0/40'");
        });
    }

    @Test
    void theMetricsTokenIsOptionalAndAtLeastThirtyTwoCharacters() throws Exception {
        assertThat(HubConfig.load(home, Map.of(), Map.of()).metricsToken()).isNull();
        String token = "0123456789abcdef0123456789abcdef";
        assertThat(HubConfig.load(home, Map.of("DATENHAFEN_METRICS_TOKEN", token), Map.of()).metricsToken())
            .isEqualTo(token);

        HubConfig shorter = HubConfig.load(home, Map.of(), Map.of("metrics.token", token.substring(1)));
        assertThatThrownBy(shorter::metricsToken).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("metrics.token");
            assertThat(e.getMessage()).contains("at least 32 characters").doesNotContain(token.substring(1));
        });
    }

    @Test
    void namesEnvironmentVariablesAfterTheKey() {
        assertThat(HubConfig.envName("http.port")).isEqualTo("DATENHAFEN_HTTP_PORT");
        assertThat(HubConfig.envName("plugin.call.timeout")).isEqualTo("DATENHAFEN_PLUGIN_CALL_TIMEOUT");
        assertThat(HubConfig.envName("bus.retry.max-backoff")).isEqualTo("DATENHAFEN_BUS_RETRY_MAX_BACKOFF");
    }

    @Test
    void environmentWinsOverTheFileAndOverridesWinOverBoth() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/datenhafen.properties"), "http.port=9000\nhttp.host=127.0.0.1\n");

        HubConfig fromFile = HubConfig.load(home, Map.of(), Map.of());
        HubConfig fromEnv = HubConfig.load(home, Map.of("DATENHAFEN_HTTP_PORT", "9100"), Map.of());
        HubConfig overridden = HubConfig.load(home, Map.of("DATENHAFEN_HTTP_PORT", "9100"),
            Map.of("http.port", 9200));

        assertThat(fromFile.httpPort()).isEqualTo(9000);
        assertThat(fromFile.httpHost()).isEqualTo("127.0.0.1");
        assertThat(fromEnv.httpPort()).isEqualTo(9100);
        assertThat(overridden.httpPort()).isEqualTo(9200);
    }

    @Test
    void resolvesFoldersAgainstTheHomeAndDefaultsToAnH2FileWithoutWriteDelay() {
        HubConfig c = HubConfig.load(home, Map.of(), Map.of());

        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.dataDir()).isEqualTo(home.toAbsolutePath().resolve("data"));
        assertThat(c.pluginsDir()).isEqualTo(home.toAbsolutePath().resolve("plugins"));
        assertThat(c.dbUrl()).startsWith("jdbc:h2:async:" + home.toAbsolutePath().resolve("data/datenhafen"))
            .contains(";WRITE_DELAY=0;");
        assertThat(c.adminToken()).isNull();
    }

    @Test
    void givesAFlowsEventFiveSecondsOfCpuUnlessConfiguredAndRefusesNone() {
        assertThat(HubConfig.load(home, Map.of(), Map.of()).flowsEventCpu()).isEqualTo(Duration.ofSeconds(5));
        assertThat(HubConfig.load(home, Map.of("DATENHAFEN_FLOWS_EVENT_CPU", "250ms"), Map.of()).flowsEventCpu())
            .isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> HubConfig.load(home, Map.of("DATENHAFEN_FLOWS_EVENT_CPU", "0s"), Map.of())
            .flowsEventCpu()).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("flows.event-cpu"))
            .hasMessage("flows.event-cpu must be more than 0, was PT0S");
    }

    @Test
    void givesH2APageCacheOfEightMebibytesUnlessConfiguredPagesOfFourKilobytesAndNoAutomaticAnalyze() throws Exception {
        assertThat(HubConfig.load(home, Map.of(), Map.of()).dbUrl())
            .contains(";PAGE_SIZE=4096;", ";CACHE_SIZE=8192;", ";ANALYZE_AUTO=0;");
        assertThat(HubConfig.load(home, Map.of("DATENHAFEN_DB_CACHE_SIZE", "67108864"), Map.of()).dbUrl())
            .contains(";CACHE_SIZE=65536;");
        assertThat(HubConfig.load(home, Map.of("DATENHAFEN_DB_CACHE_SIZE", "1000"), Map.of()))
            .satisfies(c -> assertThatThrownBy(c::dbUrl).isInstanceOfSatisfying(InvalidInputException.class,
                e -> {
                    assertThat(e.field()).isEqualTo("db.cache-size");
                    assertThat(e.getMessage()).isEqualTo("db.cache-size must be at least 1048576 bytes (1 MiB), "
                        + "was 1000");
                }));
        // a URL of one's own keeps its own settings
        assertThat(HubConfig.load(home, Map.of("DATENHAFEN_DB_URL", "jdbc:h2:async:/srv/hub;WRITE_DELAY=0"), Map.of())
            .dbUrl()).isEqualTo("jdbc:h2:async:/srv/hub;WRITE_DELAY=0");
        // and the database opened with the default URL has that cache, and pages of 4 KB
        HubConfig c = HubConfig.load(home, Map.of("DATENHAFEN_DB_CACHE_SIZE", "3145728"), Map.of());
        try (java.sql.Connection conn = java.sql.DriverManager.getConnection(c.dbUrl(), "sa", "");
             java.sql.ResultSet rs = conn.createStatement().executeQuery("SELECT SETTING_NAME, SETTING_VALUE FROM "
                 + "INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME IN ('CACHE_SIZE', 'info.PAGE_SIZE', 'ANALYZE_AUTO')")) {
            java.util.Map<String, String> settings = new java.util.TreeMap<>();
            while (rs.next()) {
                settings.put(rs.getString(1), rs.getString(2));
            }
            // H2's defaults: 16384, 2000
            assertThat(settings).isEqualTo(Map.of("CACHE_SIZE", "3072", "info.PAGE_SIZE", "4096", "ANALYZE_AUTO", "0"));
        }
    }

    @Test
    void refusesAWrongValueNamingTheKey() {
        assertThatThrownBy(() -> HubConfig.load(home, Map.of("DATENHAFEN_HTTP_PORT", "eighty"), Map.of()))
            .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                assertThat(e.field()).isEqualTo("http.port");
                assertThat(e.getMessage()).isEqualTo("http.port: expected an integer");
            });
    }

    @Test
    void neverShowsTheAdminTokenInItsDescription() {
        HubConfig c = HubConfig.load(home, Map.of("DATENHAFEN_ADMIN_TOKEN", "very-secret-admin-token"), Map.of());

        assertThat(c.adminToken()).isEqualTo("very-secret-admin-token");
        assertThat(c.toString()).doesNotContain("very-secret-admin-token");
    }

    @Test
    void readsRetentionPerEventType() {
        HubConfig c = HubConfig.load(home, Map.of("DATENHAFEN_BUS_RETENTION",
            "air.reading=30d, transit.*=1000000, social.*=365d|100000"), Map.of());

        assertThat(c.busRetention()).containsExactly(
            new RetentionPolicy("air.reading", Duration.ofDays(30), null),
            new RetentionPolicy("transit.*", null, 1_000_000L),
            new RetentionPolicy("social.*", Duration.ofDays(365), 100_000L));
    }

    @Test
    void keepsTenThousandConnectionsAQuarterOfThemFromOneAddressUnlessToldAndRefusesShareAboveTheWhole() {
        HubConfig defaults = HubConfig.load(home, Map.of(), Map.of());
        assertThat(defaults.httpMaxConnections()).isEqualTo(ConnectionLimit.defaultLimit()).isBetween(64, 10_000);
        assertThat(defaults.httpMaxConnectionsPerAddress()).isEqualTo(defaults.httpMaxConnections() / 4);
        HubConfig set = HubConfig.load(home, Map.of("DATENHAFEN_HTTP_MAX_CONNECTIONS", "100",
            "DATENHAFEN_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "100"), Map.of());
        assertThat(set.httpMaxConnections()).isEqualTo(100);
        assertThat(set.httpMaxConnectionsPerAddress()).isEqualTo(100);

        HubConfig none = HubConfig.load(home, Map.of("DATENHAFEN_HTTP_MAX_CONNECTIONS", "0"), Map.of());
        assertThatThrownBy(none::httpMaxConnections).isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("http.max-connections"));
        HubConfig above = HubConfig.load(home, Map.of("DATENHAFEN_HTTP_MAX_CONNECTIONS", "100",
            "DATENHAFEN_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "101"), Map.of());
        assertThatThrownBy(above::httpMaxConnectionsPerAddress).isInstanceOfSatisfying(InvalidInputException.class,
            e -> {
                assertThat(e.field()).isEqualTo("http.max-connections-per-address");
                assertThat(e.getMessage()).isEqualTo("http.max-connections-per-address must be between 1 and "
                    + "http.max-connections (100), was 101");
            });
    }

    @Test
    void wantsBodiesAtTwoHundredFortyBytesASecondUnlessToldAndTakesZeroForAnyPaceButNothingNegative() {
        assertThat(HubConfig.load(home, Map.of(), Map.of()).httpBodyMinRate()).isEqualTo(240);
        assertThat(HubConfig.load(home, Map.of("DATENHAFEN_HTTP_BODY_MIN_RATE", "0"), Map.of()).httpBodyMinRate())
            .isZero();
        HubConfig negative = HubConfig.load(home, Map.of("DATENHAFEN_HTTP_BODY_MIN_RATE", "-1"), Map.of());
        assertThatThrownBy(negative::httpBodyMinRate).isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("http.body-min-rate"));
    }

    @Test
    void servesHttpOnOneEventLoopAProcessorUnlessToldAndRefusesNoLoopAtAll() {
        assertThat(HubConfig.load(home, Map.of(), Map.of()).httpEventLoops())
            .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(HubConfig.load(home, Map.of("DATENHAFEN_HTTP_EVENT_LOOPS", "3"), Map.of()).httpEventLoops())
            .isEqualTo(3);

        for (String wrong : new String[] {"0", "257"}) {
            HubConfig c = HubConfig.load(home, Map.of("DATENHAFEN_HTTP_EVENT_LOOPS", wrong), Map.of());
            assertThatThrownBy(c::httpEventLoops).isInstanceOfSatisfying(InvalidInputException.class, e -> {
                assertThat(e.field()).isEqualTo("http.event-loops");
                assertThat(e.getMessage()).isEqualTo("http.event-loops must be from 1 to 256, was " + wrong);
            });
        }
    }

    @Test
    void refusesARetentionEntryWithoutPattern() {
        HubConfig c = HubConfig.load(home, Map.of("DATENHAFEN_BUS_RETENTION", "30d"), Map.of());

        assertThatThrownBy(c::busRetention).isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("bus.retention"));
    }

    @Test
    void takesKafkaAsTheBusFromDatenhafenBusAndNeedsItsBootstrapServers() {
        assertThat(HubConfig.load(home, Map.of(), Map.of()).busKafka()).isEmpty();

        HubConfig kafka = HubConfig.load(home, Map.of("DATENHAFEN_BUS", "kafka",
            "DATENHAFEN_BUS_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"), Map.of());

        assertThat(kafka.busKafka()).hasValueSatisfying(b -> {
            assertThat(b.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
            assertThat(b.eventsTopic()).isEqualTo("datenhafen.events");
        });
        assertThatThrownBy(() -> HubConfig.load(home, Map.of("DATENHAFEN_BUS_KIND", "kafka"), Map.of()).busKafka())
            .isInstanceOf(InvalidInputException.class)
            .hasMessage("bus.kind=kafka needs bus.kafka.bootstrap-servers (host:port of the Kafka cluster)");
        assertThatThrownBy(() -> HubConfig.load(home, Map.of("DATENHAFEN_BUS", "pulsar"), Map.of()).busKafka())
            .isInstanceOf(InvalidInputException.class)
            .hasMessage("bus.kind must be 'database' or 'kafka', was 'pulsar'");
    }

    @Test
    void passesTheKafkaClientConfigFileOnAsItIs() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/kafka-client.properties"),
            "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
        Map<String, String> env = Map.of("DATENHAFEN_BUS", "kafka",
            "DATENHAFEN_BUS_KAFKA_BOOTSTRAP_SERVERS", "k1:9093");

        HubConfig config = HubConfig.load(home, env, Map.of("bus.kafka.client-config", "conf/kafka-client.properties"));

        assertThat(config.busKafka().orElseThrow().clientProperties())
            .containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(config.busKafka().orElseThrow().toString()).isEqualTo("Kafka{k1:9093, topic datenhafen.events}");
        assertThatThrownBy(() -> HubConfig.load(home, env, Map.of("bus.kafka.client-config", "conf/missing"))
            .busKafka()).isInstanceOf(InvalidInputException.class)
            .hasMessageStartingWith("bus.kafka.client-config: cannot read ");
    }
}
