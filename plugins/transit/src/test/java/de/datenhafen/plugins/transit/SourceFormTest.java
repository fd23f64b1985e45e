package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.Connector;
import de.datenhafen.testkit.GermanWords;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A source its route would refuse for its form alone ({@code ftp://}, {@code gopher:}) is refused at validate, at
 * its key and in German too: a German admin's walk-through created one, and only the running route said "is not a
 * file path or file: URI". Where a URL leads or whether a file exists stays the route's to find.
 */
class SourceFormTest {

    private static final Connector REALTIME = new GtfsRealtimeConnector(null);
    private static final Connector SCHEDULE = new GtfsScheduleConnector(null);

    private static List<ConfigProblem> realtime(Map<String, Object> raw) {
        Map<String, Object> config = new HashMap<>(raw);
        config.put("schedule", "sh");
        assertThat(REALTIME.config().validate(config)).as("the declared checks pass").isEmpty();
        return REALTIME.validate(REALTIME.config().parse(config));
    }

    private static List<ConfigProblem> schedule(String source) {
        Map<String, Object> config = Map.of("source", source);
        assertThat(SCHEDULE.config().validate(config)).as("the declared checks pass").isEmpty();
        return SCHEDULE.validate(SCHEDULE.config().parse(config));
    }

    @Test
    void aScheduleSourceOfAnotherSchemeIsAProblemOfSourceInGermanToo() {
        List<ConfigProblem> ftp = schedule("ftp://host/x");

        assertThat(ftp).extracting(ConfigProblem::field, ConfigProblem::code, ConfigProblem::message)
            .containsExactly(tuple("source", "source-scheme", "must be an http(s) URL, a file in the import folder "
                + "(a path or file: URI) or demo; ftp: is none of them"));
        assertThat(GermanWords.of(SCHEDULE.name(), ftp.get(0))).isEqualTo("Muss eine http(s)-URL, eine Datei im "
            + "Import-Ordner (ein Pfad oder eine file:-URI) oder demo sein; ftp: ist nichts davon.");
        assertThat(schedule("gopher:x")).extracting(ConfigProblem::code).containsExactly("source-scheme");
    }

    @Test
    void eachRealtimeFeedOfAFormItsRouteRefusesIsAProblemOfItsKey() {
        List<ConfigProblem> found = realtime(Map.of("trip-updates-url", "gopher://host/x",
            "vehicle-positions-url", "https://user@feeds.example.org/vp", "alerts-url", "file:alerts.pb"));

        assertThat(found).extracting(ConfigProblem::field, ConfigProblem::code).containsExactly(
            tuple("trip-updates-url", "source-scheme"), tuple("vehicle-positions-url", "source-host"),
            tuple("alerts-url", "source-not-file"));
        assertThat(found).extracting(p -> GermanWords.of(REALTIME.name(), p)).containsExactly(
            "Muss eine http(s)-URL, eine Datei im Import-Ordner (ein Pfad oder eine file:-URI) oder demo sein; "
                + "gopher: ist nichts davon.",
            "Die URL nennt keinen Host, oder einen Benutzernamen.",
            "Ist weder ein Dateipfad noch eine file:-URI.");
        assertThat(realtime(Map.of("trip-updates-url", "https://feeds.example.org/tu x")))
            .extracting(ConfigProblem::field, ConfigProblem::code)
            .containsExactly(tuple("trip-updates-url", "source-not-url"));
    }

    @Test
    void sourcesOfEveryFormARouteTakesPassWithoutAskingTheNetworkOrTheFiles() {
        for (String source : List.of("demo", "https://feeds.example.invalid/sh.zip", "HTTP://feeds.example.invalid/x",
            "sh.zip", "/no/such/folder/sh.zip", "file:///no/such/sh.zip")) {
            assertThat(schedule(source)).as(source).isEmpty();
            assertThat(realtime(Map.of("alerts-url", source))).as(source).isEmpty();
        }
    }

    @Test
    void aRealtimeIntegrationWithoutSourceIsAProblemOfTheFirstFeedsKey() {
        List<ConfigProblem> found = realtime(Map.of());

        assertThat(found).extracting(ConfigProblem::field, ConfigProblem::code)
            .containsExactly(tuple("trip-updates-url", "no-source"));
        assertThat(GermanWords.of(REALTIME.name(), found.get(0))).isEqualTo("Keine Quelle für Live-Daten: "
            + "trip-updates-url, vehicle-positions-url, alerts-url oder push-path angeben.");
    }
}
