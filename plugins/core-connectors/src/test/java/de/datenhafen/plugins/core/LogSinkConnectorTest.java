package de.datenhafen.plugins.core;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.ConfigProblem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code log-sink}'s settings are checked when written, not when its route starts. */
class LogSinkConnectorTest {

    private static List<ConfigProblem> problems(String level) {
        return new LogSinkConnector().config().validate(Map.of("types", List.of("city.*"), "level", level));
    }

    /** A German admin typed "LAUT": it was taken, and the integration failed at its start with Camel's exception. */
    @Test
    void aLevelIsOneOfTheLogsLevelsInAnyCase() {
        assertThat(problems("LAUT")).extracting(ConfigProblem::field).containsExactly("level");
        assertThat(problems("LAUT").get(0).message()).contains("TRACE, DEBUG, INFO, WARN or ERROR");
        assertThat(problems("WARN")).isEmpty();
        assertThat(problems("info")).as("as stored before, in lower case").isEmpty();
    }
}
