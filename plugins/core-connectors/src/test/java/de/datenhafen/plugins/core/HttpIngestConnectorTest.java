package de.datenhafen.plugins.core;

import static de.datenhafen.testkit.Bytes.withBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import de.datenhafen.api.ConfigProblem;
import de.datenhafen.testkit.GermanWords;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code http-ingest} takes as a body ({@link HttpIngestConnector#notOneJsonObject}): one JSON object that every
 * reader reads alike, as the hub's own doors take it; each refusal says what is wrong and where (the field is
 * {@code body}).
 */
class HttpIngestConnectorTest {

    private static final String UNPAIRED = ", an unpaired UTF-16 surrogate; JSON text must be valid Unicode (a "
        + "character beyond U+FFFF is escaped as a pair, such as \\ud83d\\ude00)";
    private static final String ONCE = "; each name once (which of the two a reader keeps differs from reader to "
        + "reader)";

    @Test
    void anIngestClosedToAllOrOpenToAllAndSomeIsAProblemOfTheKeyToChangeInGermanToo() {
        HttpIngestConnector ingest = new HttpIngestConnector();
        List<ConfigProblem> closed = ingest.validate(ingest.config().parse(Map.of("path", "parking", "type",
            "city.parking")));
        List<ConfigProblem> both = ingest.validate(ingest.config().parse(Map.of("path", "parking", "type",
            "city.parking", "senders", List.of("parkhaus"), "anonymous", true)));

        assertThat(closed).extracting(ConfigProblem::field, ConfigProblem::code)
            .containsExactly(tuple("senders", "closed-by-default"));
        assertThat(GermanWords.of(ingest.name(), closed.get(0))).startsWith("Ein Eingang ist zunächst geschlossen");
        assertThat(both).extracting(ConfigProblem::field, ConfigProblem::code)
            .containsExactly(tuple("anonymous", "senders-and-anonymous"));
        assertThat(GermanWords.of(ingest.name(), both.get(0))).startsWith("Entweder senders oder anonymous: true");
    }

    private static String problem(String body) {
        return HttpIngestConnector.notOneJsonObject(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusesIllFormedUtf8NamingTheBytesAndTheirOffset() {
        // Jackson alone read C0 AE C0 AE C0 AF as "../", and ED A0 80 as a lone surrogate, and took both bodies
        assertThat(HttpIngestConnector.notOneJsonObject(withBytes("{\"path\":\"/p%s\"}", 0xC0, 0xAE, 0xC0, 0xAE,
            0xC0, 0xAF))).isEqualTo("the body is not well-formed UTF-8: C0 AE at byte 11 of the body is an overlong "
            + "form (a character written with more bytes than it takes); JSON bodies are UTF-8 (RFC 8259), each "
            + "character in its one shortest form (RFC 3629)");
        assertThat(HttpIngestConnector.notOneJsonObject(withBytes("{\"name\":\"Br%scke\"}", 0xED, 0xA0, 0x80)))
            .startsWith("the body is not well-formed UTF-8: ED A0 80 at byte 11 of the body is an encoded surrogate");
        assertThat(HttpIngestConnector.notOneJsonObject(withBytes("{\"free\":12,\"note\":\"%s\"}", 0xC3)))
            .startsWith("the body is not well-formed UTF-8: C3 at byte 19 of the body is a sequence cut short");
        assertThat(HttpIngestConnector.notOneJsonObject(withBytes("{\"free\":12}%s", 0x00)))
            .startsWith("the body is not well-formed UTF-8: 00 at byte 11 of the body is a NUL byte");
    }

    @Test
    void refusesALoneSurrogateEscapeInAStringOrANameSayingWhere() {
        assertThat(problem("{\"garage\":{\"name\":\"Br\\ud800cke\"}}"))
            .isEqualTo("garage.name holds the escape \\ud800" + UNPAIRED);
        assertThat(problem("{\"levels\":[\"ok\",\"\\udc00\"]}"))
            .isEqualTo("levels[1] holds the escape \\udc00" + UNPAIRED);
        assertThat(problem("{\"garage\":{\"x\\uD83D\":1}}"))
            .isEqualTo("a name in garage holds the escape \\ud83d" + UNPAIRED);
        assertThat(problem("{\"\\uDE00\":1}")).isEqualTo("a name in the body holds the escape \\ude00" + UNPAIRED);
    }

    @Test
    void refusesANameGivenTwiceInOneObjectSayingWhichAndWhere() {
        // Jackson's tree kept the last; the body went on the bus as it came, for readers that may keep the first
        assertThat(problem("{\"free\":12,\"free\":0}")).isEqualTo("the name \"free\" is given twice in one object"
            + ONCE);
        assertThat(problem("{\"garage\":{\"levels\":[{\"free\":1},{\"free\":2,\"total\":9,\"free\":3}]}}"))
            .isEqualTo("the name \"free\" is given twice in one object of garage.levels[1]" + ONCE);
        assertThat(problem("{\"a\":{\"x\":1},\"b\":{\"x\":2},\"x\":[{\"x\":3},{\"x\":4}]}")).isNull();
    }

    @Test
    void refusesContentAfterTheObjectSayingWhere() {
        // Jackson's tree reader stopped at the first object's end (and FAIL_ON_TRAILING_TOKENS said so in its words)
        assertThat(problem("{\"a\":1} {\"b\":2}")).isEqualTo("the body holds more after its JSON object, at line 1, "
            + "column 9: one JSON object is all it may hold");
        assertThat(problem("{\"a\":1}\n[]")).isEqualTo("the body holds more after its JSON object, at line 2, "
            + "column 1: one JSON object is all it may hold");
        assertThat(problem("{\"a\":1}\r\n\t ")).isNull();
    }

    @Test
    void saysWhatIsNotJsonWithoutJacksonsWords() {
        assertThat(problem("{not json}")).startsWith("the body is not valid JSON in UTF-8: Unexpected character")
            .endsWith("(line 1, column 2)");
        assertThat(problem("{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}"))
            .startsWith("the body is not valid JSON in UTF-8: Document nesting depth (65) exceeds the maximum "
                + "allowed (64)").doesNotContain("`", "StreamReadConstraints", "com.fasterxml");
        assertThat(problem("{\"a\":1} x")).startsWith("the body is not valid JSON in UTF-8: Unrecognized token 'x'")
            .doesNotContain("`", "Source");
        assertThat(problem("[1,2,3]")).isEqualTo("the body must be one JSON object");
        assertThat(problem("  ")).isEqualTo("the body must be one JSON object");
    }

    @Test
    void takesWellFormedTextBeyondAsciiAndEscapedPairs() {
        assertThat(problem("{\"Größe\":\"Lübeck, 12 € – 😀 \\ud83d\\ude00\",\"\\uD83C\\uDF0A\":[\"ü\",{\"€\":\"😀\"}],"
            + "\"free\":12}")).isNull();
    }
}
