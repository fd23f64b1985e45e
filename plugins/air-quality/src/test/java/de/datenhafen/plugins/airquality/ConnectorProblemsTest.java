package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.Connector;
import de.datenhafen.plugins.airquality.sta.SensorThingsConnector;
import de.datenhafen.plugins.airquality.sta.SensorThingsStoreConnector;
import de.datenhafen.testkit.GermanWords;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * What the connectors' own validate finds wrong across keys: each problem at the key at fault, with a code whose
 * German words the plugin's texts_de has (a German admin read "band thresholds must be in order" above the form).
 */
class ConnectorProblemsTest {

    private static List<ConfigProblem> problems(Connector connector, Map<String, ?> raw) {
        assertThat(connector.config().validate(raw)).as("the declared checks pass").isEmpty();
        return connector.validate(connector.config().parse(raw));
    }

    private static String german(Connector connector, ConfigProblem problem) {
        return GermanWords.of(connector.name(), problem);
    }

    @Test
    void eachPairOfBandsOutOfOrderIsAProblemOfItsUpperKey() {
        Connector projections = new ProjectionsConnector(null);

        List<ConfigProblem> found = problems(projections, Map.of("co2-yellow-from", 2000, "co2-red-above", 1000,
            "temperature-min", 26.5, "temperature-max", 20, "humidity-min", 70, "humidity-max", 60));

        assertThat(found).extracting(ConfigProblem::field, ConfigProblem::code, ConfigProblem::message).containsExactly(
            tuple("co2-red-above", "co2-red-below-yellow", "must be at least co2-yellow-from (2000)"),
            tuple("temperature-max", "temperature-max-below-min", "must be at least temperature-min (26.5)"),
            tuple("humidity-max", "humidity-max-below-min", "must be at least humidity-min (70)"));
        assertThat(found).extracting(p -> german(projections, p)).containsExactly(
            "Muss mindestens so hoch sein wie co2-yellow-from (2000): Rot beginnt erst über Gelb.",
            "Muss mindestens so hoch sein wie temperature-min (26.5).",
            "Muss mindestens so hoch sein wie humidity-min (70).");
    }

    @Test
    void bandsInOrderOrEqualAreNoProblem() {
        assertThat(problems(new ProjectionsConnector(null), Map.of("co2-yellow-from", 1000, "co2-red-above", 1000,
            "temperature-min", 20, "temperature-max", 20))).isEmpty();
    }

    @Test
    void aSimulationWithFewerRoomsThanSitesIsAProblemOfRooms() {
        Connector simulator = new SimulatorConnector(null);

        List<ConfigProblem> found = problems(simulator, Map.of("sites", 4, "rooms", 2));

        assertThat(found).extracting(ConfigProblem::field, ConfigProblem::code, ConfigProblem::message)
            .containsExactly(tuple("rooms", "rooms-below-sites", "must be at least sites (4)"));
        assertThat(german(simulator, found.get(0)))
            .isEqualTo("Muss mindestens so groß sein wie sites (4): jeder Standort hat wenigstens einen Raum.");
    }

    @Test
    void aCertificateForABrokerWithoutTlsIsAProblemOfTheCertificate() throws Exception {
        Connector mqtt = new MqttIngestConnector(null);
        String pem = authority();

        List<ConfigProblem> found = problems(mqtt, Map.of("broker", "tcp://broker.example:1883", "topic", "x/#",
            "ca-certificate", pem));

        assertThat(found).extracting(ConfigProblem::field, ConfigProblem::code).containsExactly(
            tuple("ca-certificate", "ca-certificate-without-tls"));
        assertThat(found.get(0).message()).isEqualTo("ca-certificate is set but the broker tcp://broker.example:1883 "
            + "is not a TLS address: use ssl://host:8883 (or wss://)");
        assertThat(german(mqtt, found.get(0))).isEqualTo("Ist gesetzt, aber der Broker tcp://broker.example:1883 ist "
            + "keine TLS-Adresse: ssl://host:8883 (oder wss://) angeben, oder das Zertifikat weglassen.");
        assertThat(problems(mqtt, Map.of("broker", "ssl://broker.example:8883", "topic", "x/#", "ca-certificate",
            pem))).isEmpty();
    }

    /** A real certificate, built: the first authority of the JVM's own trust store, written as PEM. */
    private static String authority() throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((KeyStore) null);
        byte[] der = ((X509TrustManager) f.getTrustManagers()[0]).getAcceptedIssuers()[0].getEncoded();
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END CERTIFICATE-----\n";
    }

    @Test
    void aPageLargerThanTheLargestAndABaseUrlTheStartRefusesAreProblemsOfTheirKeys() {
        for (Connector sta : List.of(new SensorThingsConnector(null), new SensorThingsStoreConnector(null, null))) {
            List<ConfigProblem> found = problems(sta, Map.of("path", "/sta-x", "page-size", 500, "max-page-size", 100,
                "base-url", "https://data.example.org/sta?x=1"));

            assertThat(found).as(sta.name()).extracting(ConfigProblem::field, ConfigProblem::code).containsExactly(
                tuple("page-size", "page-size-above-max"), tuple("base-url", "base-url"));
            assertThat(found).extracting(p -> german(sta, p)).containsExactly(
                "Darf höchstens so groß sein wie max-page-size (100).",
                "Muss eine http- oder https-URL mit Host und ohne Query sein, etwa https://data.example.org/sta.");
        }
    }

    @Test
    void aMemberShareTheStoreCannotGiveIsAProblemOfItsKey() {
        Connector store = new SensorThingsStoreConnector(null, null);

        List<ConfigProblem> found = problems(store, Map.of("path", "/sta-x", "member-share", "150%"));

        assertThat(found).extracting(ConfigProblem::field, ConfigProblem::code)
            .containsExactly(tuple("member-share", "member-share"));
        assertThat(german(store, found.get(0))).startsWith("Ein Anteil an den ").endsWith("; nicht „150%“.");
    }
}
