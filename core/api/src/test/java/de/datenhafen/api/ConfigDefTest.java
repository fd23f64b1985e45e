package de.datenhafen.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDefTest {

    private static final ConfigDef DEF = ConfigDef.builder()
        .define("url", ConfigType.STRING, null, true, "Feed URL")
        .define("interval", ConfigType.DURATION, "30s", false, "How often to poll")
        .define("max-size", ConfigType.INT, 100, false, "Largest batch")
        .define("agencies", ConfigType.LIST, null, false, "Agencies to import")
        .define("strict", ConfigType.BOOLEAN, false, false, "Refuse sloppy rows")
        .secret("api-key", ConfigType.STRING, null, false, "Key sent as X-Api-Key")
        .build();

    @Test
    void fillsInDefaultsAndTypesTheGivenValues() {
        Config c = DEF.parse(Map.of("url", "https://example.org/feed.zip", "max-size", "250",
            "agencies", "SWHL, VHH", "strict", "true"));

        assertThat(c.getString("url")).isEqualTo("https://example.org/feed.zip");
        assertThat(c.getDuration("interval")).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.getInt("max-size")).isEqualTo(250);
        assertThat(c.getList("agencies")).containsExactly("SWHL", "VHH");
        assertThat(c.getBoolean("strict")).isTrue();
        assertThat(c.has("api-key")).isFalse();
    }

    @Test
    void reportsEveryProblemWithTheKeyAtFault() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("max-size", "many");
        raw.put("interval", "soon");
        raw.put("colour", "blue");

        List<ConfigProblem> problems = DEF.validate(raw);

        assertThat(problems).containsExactly(
            new ConfigProblem("url", "is required: Feed URL"),
            new ConfigProblem("interval", "expected a duration such as 30s, 5m, 500ms or PT1H"),
            new ConfigProblem("max-size", "expected an integer"),
            new ConfigProblem("colour",
                "is not a known key; known keys: url, interval, max-size, agencies, strict, api-key"));
    }

    @Test
    void parseThrowsWithTheFirstFieldAndAllProblems() {
        assertThatThrownBy(() -> DEF.parse(Map.of("max-size", 1.5)))
            .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                assertThat(e.field()).isEqualTo("url");
                assertThat(e.problems()).extracting(ConfigProblem::field).containsExactly("url", "max-size");
            });
    }

    @Test
    void neverShowsSecretValues() {
        Config c = DEF.parse(Map.of("url", "u", "api-key", "hunter2-secret"));

        assertThat(c.getString("api-key")).isEqualTo("hunter2-secret");
        assertThat(c.redacted()).containsEntry("api-key", Config.REDACTED);
        assertThat(c.toString()).doesNotContain("hunter2-secret");
        assertThat(DEF.key("api-key").toString()).doesNotContain("hunter2");
    }

    @Test
    void readsDurationsInTheUsualForms() {
        assertThat(ConfigType.DURATION.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigType.DURATION.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigType.DURATION.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigType.DURATION.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(ConfigType.DURATION.parse("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ConfigType.DURATION.parse(1500)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void refusesIntegersOutOfRangeAndFractions() {
        assertThatThrownBy(() -> ConfigType.INT.parse(3_000_000_000L)).hasMessageContaining("between");
        assertThatThrownBy(() -> ConfigType.LONG.parse(2.5)).hasMessage("expected an integer");
    }

    @Test
    void refusesAKeyDeclaredTwiceOrBadlyNamed() {
        assertThatThrownBy(() -> ConfigDef.builder()
            .define("a", ConfigType.STRING, null, false, "")
            .define("a", ConfigType.INT, null, false, ""))
            .hasMessage("config key 'a' is declared twice");
        assertThatThrownBy(() -> ConfigDef.builder().define("Bad Key", ConfigType.STRING, null, false, ""))
            .hasMessageContaining("must be lower case");
        assertThatThrownBy(() -> ConfigDef.builder().define("n", ConfigType.INT, "x", false, ""))
            .hasMessage("default of config key 'n': expected an integer");
    }

    @Test
    void knowsTheApiVersionItWasBuiltWith() {
        assertThat(HubApi.version()).matches("\\d+\\.\\d+\\.\\d+");
    }
}
