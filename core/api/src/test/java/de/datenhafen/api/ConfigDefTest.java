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

    private static final ConfigDef CHECKED = ConfigDef.builder()
        .define("port", ConfigType.INT, 8080, false, "Port").check("port", ConfigCheck.range(1, 65535))
        .define("mode", ConfigType.STRING, "merge", false, "Mode").check("mode", ConfigCheck.oneOf("merge", "replace"))
        .define("member", ConfigType.STRING, null, false, "Member id")
        .check("member", ConfigCheck.pattern("[a-z0-9-]{2,64}", "a member id (a-z, 0-9, dashes, 2 to 64)"))
        .define("label", ConfigType.STRING, null, false, "Label").check("label", ConfigCheck.length(1, 8))
        .define("url", ConfigType.STRING, null, false, "Feed").check("url", ConfigCheck.url("https", "http"))
        .define("interval", ConfigType.DURATION, "30s", false, "Poll interval")
        .check("interval", ConfigCheck.between(Duration.ofSeconds(5), Duration.ofHours(1)))
        .define("senders", ConfigType.LIST, null, false, "Members").check("senders", ConfigCheck.length(2, 64))
        .retired("token", "was replaced by member tokens; remove token from this config")
        .build();

    @Test
    void declarativeChecksReportEachKeyThatBreaksItsRule() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("port", 70000);
        raw.put("mode", "append");
        raw.put("member", "Stadtwerke!");
        raw.put("label", "much too long");
        raw.put("url", "ftp://example.org/feed");
        raw.put("interval", "1s");
        raw.put("senders", List.of("parkhaus", ""));

        assertThat(CHECKED.validate(raw)).containsExactly(
            new ConfigProblem("port", "must be a number from 1 to 65535; was 70000"),
            new ConfigProblem("mode", "must be one of merge, replace; was 'append'"),
            new ConfigProblem("member", "must be a member id (a-z, 0-9, dashes, 2 to 64); was 'Stadtwerke!'"),
            new ConfigProblem("label", "must be 1 to 8 characters; has 13"),
            new ConfigProblem("url", "must be a URL (https, http); was 'ftp://example.org/feed'"),
            new ConfigProblem("interval", "must be a duration from PT5S to PT1H; was PT1S"),
            new ConfigProblem("senders", "must be 2 to 64 characters; has 0"));
    }

    @Test
    void aPublicSectionIdMustBeWellFormedAndNotTheHubsOwnButMayBeEmpty() {
        ConfigDef def = ConfigDef.builder().define("section", ConfigType.STRING, null, false, "Section")
            .check("section", ConfigCheck.publicSectionId()).build();

        assertThat(def.validate(Map.of("section", "abfahrten-sh"))).isEmpty();
        assertThat(def.validate(Map.of("section", ""))).as("empty: no section").isEmpty();
        assertThat(def.validate(Map.of("section", "console"))).singleElement().satisfies(p -> assertThat(p.message())
            .startsWith("public section id 'console' is refused: /console is the hub's own (reserved: admin, api,"));
        assertThat(def.validate(Map.of("section", "Abfahrten!"))).singleElement().satisfies(p -> assertThat(
            p.message()).isEqualTo("a public section's id is 2 to 32 lower-case letters, digits or dashes, starting "
                + "with a letter: 'Abfahrten!'"));
    }

    @Test
    void valuesWithinTheirRulesPass() {
        assertThat(CHECKED.validate(Map.of("port", 443, "mode", "replace", "member", "parkhaus", "label", "P1",
            "url", "https://example.org/feed", "interval", "5m", "senders", List.of("parkhaus")))).isEmpty();
    }

    @Test
    void aRetiredKeyStillSetIsAProblemSayingWhatReplacedIt() {
        assertThat(CHECKED.validate(Map.of("token", "old-secret"))).containsExactly(
            new ConfigProblem("token", "was replaced by member tokens; remove token from this config"));
        assertThat(CHECKED.key("token").secret()).isTrue();
        assertThat(CHECKED.retired("token")).startsWith("was replaced");
        assertThatThrownBy(() -> CHECKED.parse(Map.of("token", "old-secret")))
            .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("token: was replaced");
    }

    @Test
    void aDefaultThatBreaksItsOwnRuleFailsWhenDeclared() {
        assertThatThrownBy(() -> ConfigDef.builder().define("port", ConfigType.INT, 0, false, "Port")
            .check("port", ConfigCheck.range(1, 65535)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("default of config key 'port' must be a number from 1 to 65535; was 0");
    }

    @Test
    void aCheckOnAKeyNotDeclaredYetFailsWhenDeclared() {
        assertThatThrownBy(() -> ConfigDef.builder().check("port", ConfigCheck.atLeast(1)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("config key 'port' must be defined before its checks");
    }

    @Test
    void eachCheckSaysItselfInJsonSchemaKeywords() {
        assertThat(CHECKED.checks("port").get(0).schema()).containsEntry("minimum", 1L).containsEntry("maximum", 65535L);
        assertThat(CHECKED.checks("mode").get(0).schema()).containsEntry("enum", List.of("merge", "replace"));
        assertThat(CHECKED.checks("member").get(0).schema()).containsEntry("pattern", "^(?:[a-z0-9-]{2,64})$");
        assertThat(CHECKED.checks("label").get(0).schema()).containsEntry("minLength", 1).containsEntry("maxLength", 8);
        assertThat(CHECKED.checks("url").get(0).schema()).containsEntry("format", "uri");
        assertThat(CHECKED.checks("nothing")).isEmpty();
    }

    @Test
    void aSecretThatFailsItsCheckIsNamedWithTheRuleButItsValueIsNotRepeated() {
        ConfigDef def = ConfigDef.builder()
            .secret("secret", ConfigType.STRING, null, true, "Signing secret")
            .check("secret", ConfigCheck.pattern("whsec_[A-Za-z0-9+/=]+", "whsec_ and base64"))
            .build();

        assertThat(def.validate(Map.of("secret", "hunter2"))).containsExactly(
            new ConfigProblem("secret", "must be whsec_ and base64 (the value is secret and not shown)"));
    }

    @Test
    void hubAdminOnlyKeysSayWhatTheyBoundAndMustBeDeclaredFirst() {
        ConfigDef def = ConfigDef.builder()
            .define("source", ConfigType.STRING, null, true, "A file in the folder")
            .define("folder", ConfigType.STRING, null, false, "Where source must lie")
            .define("max-mb", ConfigType.INT, 16, false, "Largest file")
            .hubAdminOnly("it bounds what source may reach", List.of("folder"))
            .hubAdminOnly("max-mb")
            .build();

        assertThat(def.hubAdminOnly("folder")).isEqualTo("it bounds what source may reach");
        assertThat(def.hubAdminOnly("max-mb")).isEqualTo("it bounds what this connector may reach or take of the hub");
        assertThat(def.hubAdminOnly("source")).isNull();
        assertThat(def.validate(Map.of("source", "a.zip", "folder", "/srv"))).as("validation is as for any key")
            .isEmpty();
        assertThatThrownBy(() -> ConfigDef.builder().hubAdminOnly("folder"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("config key 'folder' must be defined before it is made hub-admin-only");
        assertThatThrownBy(() -> ConfigDef.builder().define("folder", ConfigType.STRING, null, false, "Folder")
            .hubAdminOnly(" ", List.of("folder"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sinkTargetKeysAreNamedAndMustBeDeclaredStringsFirst() {
        ConfigDef def = ConfigDef.builder()
            .define("url", ConfigType.STRING, null, true, "Where events go").check("url", ConfigCheck.url("https"))
            .define("timeout", ConfigType.INT, 10, false, "Seconds")
            .sinkTarget("url")
            .build();

        assertThat(def.sinkTarget("url")).isTrue();
        assertThat(def.sinkTarget("timeout")).isFalse();
        assertThat(def.validate(Map.of("url", "https://127.0.0.1/"))).as("the hub checks the address, not the API")
            .isEmpty();
        assertThatThrownBy(() -> ConfigDef.builder().sinkTarget("url"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("config key 'url' must be defined before it is made a sink target");
        assertThatThrownBy(() -> ConfigDef.builder().define("hosts", ConfigType.LIST, null, false, "Hosts")
            .sinkTarget("hosts")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("config key 'hosts' is a LIST; a sink target is a STRING (a URI)");
    }

    @Test
    void memberIdKeysAreNamedAndMustBeDeclaredListsFirst() {
        ConfigDef def = ConfigDef.builder()
            .define("senders", ConfigType.LIST, null, false, "Members whose editors may post")
            .define("path", ConfigType.STRING, null, true, "Path")
            .memberIds("senders")
            .build();

        assertThat(def.memberIds("senders")).isTrue();
        assertThat(def.memberIds("path")).isFalse();
        assertThat(def.validate(Map.of("path", "p", "senders", java.util.List.of("nobody-here"))))
            .as("the hub checks the ids against its members, not the API").isEmpty();
        assertThatThrownBy(() -> ConfigDef.builder().memberIds("senders"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("config key 'senders' must be defined before it is made a list of member ids");
        assertThatThrownBy(() -> ConfigDef.builder().define("path", ConfigType.STRING, null, false, "Path")
            .memberIds("path")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("config key 'path' is a STRING; member ids are a LIST");
    }

    @Test
    void aKeyNamingAnIntegrationSaysWhoseAndMustBeADeclaredStringFirst() {
        ConfigDef def = ConfigDef.builder()
            .define("schedule", ConfigType.STRING, null, true, "The timetable")
            .define("path", ConfigType.STRING, null, false, "Path")
            .integrationOf("gtfs-schedule", "schedule")
            .build();

        assertThat(def.integrationOf("schedule")).isEqualTo("gtfs-schedule");
        assertThat(def.integrationOf("path")).isNull();
        assertThat(def.validate(Map.of("schedule", "nowhere")))
            .as("the hub checks the name against its integrations, not the API").isEmpty();
        assertThatThrownBy(() -> ConfigDef.builder().integrationOf("gtfs-schedule", "schedule"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("config key 'schedule' must be defined before it is made the name of an integration");
        assertThatThrownBy(() -> ConfigDef.builder().define("schedules", ConfigType.LIST, null, false, "Timetables")
            .integrationOf("gtfs-schedule", "schedules")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("config key 'schedules' is a LIST; an integration's name is a STRING");
        assertThatThrownBy(() -> ConfigDef.builder().define("schedule", ConfigType.STRING, null, false, "The timetable")
            .integrationOf(" ", "schedule")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eventTypesAreTypesOrPatternsOfAtMost4000CharactersTogether() {
        ConfigDef def = ConfigDef.builder()
            .define("types", ConfigType.LIST, null, true, "Event types")
            .check("types", ConfigCheck.eventTypes())
            .build();

        assertThat(def.validate(Map.of("types", java.util.List.of("air.reading", "city.*", "*")))).isEmpty();
        assertThat(def.validate(Map.of("types", java.util.List.of("air.reading", "a b"))))
            .extracting(ConfigProblem::code).containsExactly("config.check.eventType");
        assertThat(def.validate(Map.of("types", java.util.List.of("a".repeat(2000), "b".repeat(2000)))))
            .extracting(ConfigProblem::message)
            .containsExactly("must be event types of at most 4000 characters together (a comma between two); have "
                + "4001");
        assertThatThrownBy(() -> BusConsumerEndpoint.of("a".repeat(2000), "b".repeat(2000)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 4000 characters together");
    }

    @Test
    void aUrlHasAtMost2000CharactersAndNoUserOrPassword() {
        ConfigCheck url = ConfigCheck.url("https");

        assertThat(url.problem("https://example.org/" + "a".repeat(1980))).isNull();
        assertThat(url.problem("https://example.org/" + "a".repeat(1981)))
            .isEqualTo("must be a URL (https) of at most 2000 characters; has 2001");
        assertThat(url.problem("https://bob:hunter22@example.org/x")).doesNotContain("hunter22", "bob")
            .contains("without a user or password");
        assertThat(url.problem("https://example.org/x?mail=a@b.org")).isNull();
        // a password with "/", "?" or "#" in it (a base64 token) is not repeated either
        assertThat(url.problem("https://bob:hu/nt?er#22@example.org/x")).doesNotContain("hu/nt", "er#22", "bob");
        assertThat(url.schema()).containsEntry("maxLength", 2000);
    }
}
