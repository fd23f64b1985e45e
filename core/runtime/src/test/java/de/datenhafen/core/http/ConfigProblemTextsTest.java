package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.InvalidInputException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The config problems the hub finds itself (a key missing, of the wrong type, against its rule, unknown) have German
 * words: every one of them a code with a line in {@code errors/config_de.properties}, every line a problem's, and the
 * words filled with the problem's values (the console's forms said them in English after German lead words).
 */
class ConfigProblemTextsTest {

    /** One key of each type and one of each rule, each given a value it refuses, and an unknown key. */
    private static Map<String, ConfigProblem> everyProblem() {
        ConfigDef def = ConfigDef.builder()
            .define("text", ConfigType.STRING, null, true, "a text")
            .define("int", ConfigType.INT, null, false, "an int")
            .define("long", ConfigType.LONG, null, false, "a long")
            .define("double", ConfigType.DOUBLE, null, false, "a double")
            .define("flag", ConfigType.BOOLEAN, null, false, "a flag")
            .define("wait", ConfigType.DURATION, null, false, "a duration")
            .define("list", ConfigType.LIST, null, false, "a list")
            .define("port", ConfigType.INT, null, false, "a port").check("port", ConfigCheck.range(1, 65535))
            .define("size", ConfigType.INT, null, false, "a size").check("size", ConfigCheck.atLeast(10))
            .define("level", ConfigType.STRING, null, false, "a level").check("level", ConfigCheck.oneOf("a", "b"))
            .define("code", ConfigType.STRING, null, false, "a code").check("code", ConfigCheck.pattern("[0-9]+",
                "digits"))
            .define("section", ConfigType.STRING, null, false, "a section")
            .check("section", ConfigCheck.publicSectionId())
            .define("name", ConfigType.STRING, null, false, "a name").check("name", ConfigCheck.length(2, 4))
            .define("pin", ConfigType.STRING, null, false, "a pin").check("pin", ConfigCheck.length(4, 4))
            .define("url", ConfigType.STRING, null, false, "a url").check("url", ConfigCheck.url("https"))
            .define("ca", ConfigType.STRING, null, false, "a ca").check("ca", ConfigCheck.pemCertificates())
            .define("every", ConfigType.DURATION, null, false, "a period")
            .check("every", ConfigCheck.between(Duration.ofSeconds(1), Duration.ofMinutes(1)))
            .define("zone", ConfigType.STRING, null, false, "a zone").check("zone", ConfigCheck.timeZone())
            .secret("key", ConfigType.STRING, null, false, "a secret").check("key", ConfigCheck.length(32, 64))
            .define("types", ConfigType.LIST, null, false, "types").check("types", ConfigCheck.eventTypes())
            .define("many", ConfigType.LIST, null, false, "many types").check("many", ConfigCheck.eventTypes())
            .build();
        Map<String, Object> given = new HashMap<>();
        given.put("int", "x");
        given.put("long", "x");
        given.put("double", "x");
        given.put("flag", "maybe");
        given.put("wait", "soon");
        given.put("list", Map.of("a", 1));
        given.put("port", 70000);
        given.put("size", 3);
        given.put("level", "c");
        given.put("code", "abc");
        given.put("section", "Stadt");
        given.put("name", "abcdef");
        given.put("pin", "12");
        given.put("url", "ftp://example.org");
        given.put("ca", "not a certificate");
        given.put("every", "2h");
        given.put("zone", "Mars/Olympus");
        given.put("key", "too short");
        given.put("colour", "blue");
        given.put("types", List.of("air.reading", "a b"));
        given.put("many", List.of("a".repeat(3000), "b".repeat(3000)));
        List<ConfigProblem> problems = catchThrowableOfType(() -> def.parse(given), InvalidInputException.class)
            .problems();
        ConfigProblem text = catchThrowableOfType(() -> ConfigDef.builder()
            .define("text", ConfigType.STRING, null, false, "a text").build().parse(Map.of("text", List.of())),
            InvalidInputException.class).problems().get(0);
        Map<String, ConfigProblem> byCode = new TreeMap<>();
        for (ConfigProblem p : problems) {
            byCode.put(p.code(), p);
        }
        byCode.put(text.code(), text);
        return byCode;
    }

    @Test
    void everyProblemTheHubFindsHasGermanWordsAndEveryLineAProblem() throws IOException {
        Properties german = new Properties();
        try (var in = new InputStreamReader(getClass().getClassLoader()
            .getResourceAsStream("errors/config_de.properties"), StandardCharsets.UTF_8)) {
            german.load(in);
        }
        Map<String, ConfigProblem> problems = everyProblem();
        assertThat(problems.keySet()).doesNotContainNull().containsExactlyInAnyOrderElementsOf(
            german.stringPropertyNames());
        problems.values().forEach(p -> assertThat(Errors.german(p)).as(p.code())
            .doesNotContain("{").isNotEqualTo(p.message()));
    }

    @Test
    void theGermanWordsNameTheValuesAsWrittenAndASecretsNot() {
        Map<String, ConfigProblem> problems = everyProblem();
        assertThat(Errors.german(problems.get("config.check.range"))).isEqualTo("Eine Zahl von 1 bis 65535, nicht "
            + "70000.");
        assertThat(Errors.german(problems.get("config.check.oneOf"))).isEqualTo("Einer dieser Werte: a, b; nicht "
            + "„c“.");
        assertThat(Errors.german(problems.get("config.required"))).isEqualTo("Bitte ausfüllen.");
        assertThat(problems.get("config.required").field()).isEqualTo("text");
        assertThat(Errors.german(problems.get("config.unknown"))).startsWith("Das ist keine Einstellung dieses "
            + "Konnektors; seine Einstellungen sind: text, int, long");
        assertThat(Errors.german(problems.get("config.check.between"))).isEqualTo("Eine Dauer von 1s bis 1m, nicht "
            + "2h.");
        // a certificate's value may be a private key pasted by mistake: in no problem's words or values
        assertThat(problems.get("config.check.pem").args()).doesNotContain("not a certificate");
        assertThat(Errors.german(problems.get("config.check.pem"))).doesNotContain("not a certificate");
        assertThat(problems.get("config.check.secret").args()).doesNotContain("too short");
        assertThat(Errors.german(problems.get("config.check.secret"))).doesNotContain("too short");
        // the English words stay as they were (an API client reads them)
        assertThat(problems.get("config.check.range").message()).isEqualTo("must be a number from 1 to 65535; "
            + "was 70000");
        // a plugin's own problem has no code and keeps its words
        assertThat(Errors.german(new ConfigProblem("x", "the plugin says so"))).isEqualTo("the plugin says so");
    }

    /** A negative duration is none a config means ("-5m" was stored as PT-5M and a schedule polled so). */
    @Test
    void aNegativeDurationIsRefused() {
        ConfigDef def = ConfigDef.builder().define("interval", ConfigType.DURATION, "5m", false, "how often").build();
        ConfigProblem p = catchThrowableOfType(() -> def.parse(Map.of("interval", "-5m")), InvalidInputException.class)
            .problems().get(0);
        assertThat(p.code()).isEqualTo("config.type.DURATION");
        assertThat(p.message()).isEqualTo("expected a duration of 0 or more, such as 30s, 5m, 500ms or PT1H");
        assertThat(def.parse(Map.of("interval", "0s")).getDuration("interval")).isZero();
    }
}
