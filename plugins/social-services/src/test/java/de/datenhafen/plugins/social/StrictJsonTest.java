package de.datenhafen.plugins.social;

import static de.datenhafen.testkit.Bytes.withBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JSON from outside ({@link Json#parse(byte[], int)}: imports, a service's edit, an organisation's member) held to
 * the rules of the hub's own doors: well-formed UTF-8, no lone surrogate, each name once, nothing after the value.
 * Each refusal is a 400 problem of the {@code document} naming the field, and changes nothing.
 */
class StrictJsonTest {

    private static final String UNPAIRED = ", an unpaired UTF-16 surrogate; JSON text must be valid Unicode (a "
        + "character beyond U+FFFF is escaped as a pair, such as \\ud83d\\ude00)";
    private static final String TWICE = "is given twice in one object; each name once (which of the two a reader "
        + "keeps differs from reader to reader)";

    private Directory dir;
    private long version;

    @BeforeEach
    void open() throws Exception {
        dir = TestDb.demoDirectory("strict-json");
        version = dir.version();
    }

    private Api.Response send(String method, String path, byte[] body) {
        return HubAnswers.of(new Api(dir, Limits.DEFAULTS, null), new Api.Request(method, path, null, Callers.owner(),
            "application/json", body));
    }

    /** A refusal as the API answers it: the problem's field and message, and nothing changed. */
    private void assertRefused(Api.Response r, String field, String message) {
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(400);
        assertThat(r.body().get("field").asText()).isEqualTo(field);
        assertThat(r.body().get("error").asText()).isEqualTo("document ?: " + field + " " + message);
        JsonNode problem = r.body().get("problems").get(0);
        assertThat(problem.get("object").asText()).isEqualTo("document");
        assertThat(problem.get("field").asText()).isEqualTo(field);
        assertThat(problem.get("message").asText()).isEqualTo(message);
        assertThat(dir.version()).isEqualTo(version);
        assertThat(dir.services()).hasSize(50);
        assertThat(dir.outbox(10)).isEmpty();
    }

    /** A service of the demo directory as JSON text, its name replaced by {@code name} (JSON, quotes included). */
    private String serviceNamed(String name) {
        ObjectNode s = dir.export().services().get(0).deepCopy();
        s.put("name", "NAME");
        return Json.text(s).replace("\"name\":\"NAME\"", "\"name\":" + name);
    }

    private String serviceId() {
        return Json.str(dir.export().services().get(0), "id");
    }

    @Test
    void refusesIllFormedUtf8NamingTheBytesAndTheirOffset() {
        // Jackson alone read C0 AE C0 AE C0 AF as "../" and ED A0 80 as a lone surrogate, and took both
        assertRefused(send("POST", "import", withBytes("{\"services\":[{\"name\":\"/p%s\"}]}", 0xC0, 0xAE, 0xC0,
            0xAE, 0xC0, 0xAF)), "body", "is not well-formed UTF-8: C0 AE at byte 24 of the body is an overlong form "
            + "(a character written with more bytes than it takes); JSON bodies are UTF-8 (RFC 8259), each "
            + "character in its one shortest form (RFC 3629)");
        Api.Response surrogate = send("PUT", "services/" + serviceId(), withBytes(serviceNamed("\"Br%scke\""), 0xED,
            0xA0, 0x80));
        assertThat(surrogate.status()).isEqualTo(400);
        assertThat(surrogate.body().get("field").asText()).isEqualTo("body");
        assertThat(surrogate.body().get("problems").get(0).get("message").asText())
            .matches("is not well-formed UTF-8: ED A0 80 at byte \\d+ of the body is an encoded surrogate .*");
    }

    @Test
    void refusesALoneSurrogateEscapeNamingItsField() {
        assertRefused(send("POST", "import", "{\"services\":[{\"id\":\"a\"},{\"name\":\"Au\\uD800enstelle\"}]}"
            .getBytes(StandardCharsets.UTF_8)), "services[1].name", "holds the escape \\ud800" + UNPAIRED);
        assertRefused(send("PUT", "services/" + serviceId(), serviceNamed("\"Beratung\",\"x\\udc00\":1")
            .getBytes(StandardCharsets.UTF_8)), "body", "holds a name with the escape \\udc00" + UNPAIRED);
    }

    @Test
    void refusesANameGivenTwiceNamingIt() {
        // Jackson's tree kept the last of each: the service was stored as "Wehr"
        assertRefused(send("PUT", "services/" + serviceId(), serviceNamed("\"Beratung\",\"name\":\"Wehr\"")
            .getBytes(StandardCharsets.UTF_8)), "name", TWICE);
        assertRefused(send("POST", "import", "{\"services\":[],\"organizations\":[],\"services\":[{\"id\":\"a\"}]}"
            .getBytes(StandardCharsets.UTF_8)), "services", TWICE);
        assertThatThrownBy(() -> Json.parse("{\"services\":[{\"phones\":[{\"number\":\"1\",\"number\":\"2\"}]}]}"
            .getBytes(StandardCharsets.UTF_8), 1000)).isInstanceOfSatisfying(InvalidDataException.class,
                e -> assertThat(e.problems().get(0).field()).isEqualTo("services[0].phones[0].number"));
        assertThat(Json.parse("{\"a\":{\"id\":1},\"b\":{\"id\":2},\"id\":[{\"id\":3}]}"
            .getBytes(StandardCharsets.UTF_8), 1000)).hasSize(3);
    }

    @Test
    void refusesContentAfterTheValueSayingWhere() {
        // Jackson's tree reader stopped at the first value's end and imported it
        assertRefused(send("POST", "import", "{\"services\":[]} {\"services\":[]}".getBytes(StandardCharsets.UTF_8)),
            "body", "holds more after its JSON value, at line 1, column 17: one value is all it may hold");
        assertRefused(send("POST", "import", "{\"services\":[]}\n]".getBytes(StandardCharsets.UTF_8)), "body",
            "is not valid JSON: Unexpected close marker ']': expected '}' (line 2, column 1)");
        assertThat(Json.parse("{\"services\":[]}\r\n\t ".getBytes(StandardCharsets.UTF_8), 1000).has("services"))
            .isTrue();
    }

    @Test
    void takesTextBeyondAsciiAndEscapedPairs() {
        String name = "Beratung für Mieter – 12 € 😀 \\ud83d\\ude00";

        Api.Response r = send("PUT", "services/" + serviceId(), serviceNamed("\"" + name + "\"")
            .getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
        assertThat(dir.export().services().stream().map(s -> Json.str(s, "name")))
            .contains("Beratung für Mieter – 12 € 😀 😀");
        String doc = "{\"Größe\":\"ü € 😀 \\uD83C\\uDF0A\",\"\\ud83d\\ude00\":[1,2.5,null,true,{}]}";
        assertThat(Json.parse(doc.getBytes(StandardCharsets.UTF_8), 1000))
            .isEqualTo(Json.parse(doc.getBytes(StandardCharsets.UTF_8)));
    }
}
