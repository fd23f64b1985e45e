package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import de.datenhafen.api.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JSON body is well-formed UTF-8 (Unicode's table 3-7), has no escaped half of a surrogate pair alone and no name
 * twice in one object, or the refusal names the field: the attribute, {@code data}, the admin body's path, or
 * {@code body}.
 */
class StrictJsonTest {

    /** Bytes from text in which {@code <XX>} stands for the byte 0xXX. */
    static byte[] bytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("<", i) && i + 3 < text.length() && text.charAt(i + 3) == '>') {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 4;
            } else {
                int end = text.indexOf('<', i + 1);
                out.writeBytes(text.substring(i, end < 0 ? text.length() : end).getBytes(StandardCharsets.UTF_8));
                i = end < 0 ? text.length() : end;
            }
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ASCII, longer than eight bytes at a time", "<C2><80>", "<DF><BF>",
        "<E0><A0><80>", "<ED><9F><BF>", "<EE><80><80>", "<EF><BF><BF>", "<F0><90><80><80>", "<F4><8F><BF><BF>",
        "aaaaaaaaaaaaa<C3><A4>bbbbbbbbbbbbbbbbb<F0><9F><98><80>", "\u00e4\u20ac\ud83d\ude00\u2028 as Java writes them"})
    void wellFormedUtf8PassesAtAnyOffset(String text) {
        byte[] b = bytes(text);

        assertThat(StrictJson.illFormed(b, 0, b.length)).isEqualTo(-1);
    }

    @ParameterizedTest
    @CsvSource({
        "<C0><AF>, 0", "<C1><BF>, 0", "<E0><80><AF>, 0", "<E0><9F><BF>, 0", "<F0><80><80><AF>, 0",
        "<F0><8F><BF><BF>, 0",
        "<ED><A0><80>, 0", "<ED><BF><BF>, 0", "<F4><90><80><80>, 0", "<F5><80><80><80>, 0", "<F8><88><80><80><80>, 0",
        "<FF>, 0", "<80>, 0", "<BF>, 0", "<E2><82>, 0", "<E2><82>a, 0", "<F0><9F><98>, 0", "<00>, 0",
        "twelve bytes<C0><AF>, 12", "eight by<ED><A0><80>, 8", "seven b<E2><82><AC><E2><28><A1>, 10"})
    void illFormedUtf8IsFoundAtItsFirstByte(String text, int at) {
        byte[] b = bytes(text);

        assertThat(StrictJson.illFormed(b, 0, b.length)).isEqualTo(at);
    }

    @Test
    void anOverlongSourceIsRefusedNamingTheSourceAndTheBytes() {
        byte[] body = bytes("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/p<C0><AE><C0><AE><C0><AF>\"}");

        InvalidInputException refusal = refusal(body, StrictJson.Fields.EVENT);

        assertThat(refusal.field()).isEqualTo("source");
        assertThat(refusal.getMessage()).isEqualTo("source is not well-formed UTF-8: C0 AE at byte 42 of the body is "
            + "an overlong form (a character written with more bytes than it takes); JSON bodies are UTF-8 (RFC 8259), "
            + "each character in its one shortest form (RFC 3629)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"data\":{\"a\":\"<C0><AF>\"}}                  | EVENT | data",
        "{\"data\":[1,{\"b\":[\"<ED><A0><80>\"]}]}        | EVENT | data",
        "{\"<C0><AF>\":1}                                 | EVENT | body",
        "{\"data\":{\"<F4><90><80><80>\":1}}              | EVENT | data",
        "[{\"id\":\"1\"},{\"id\":\"<E2><82>\"}]           | BATCH | [1].id",
        "[{\"id\":\"1\"},{\"<E2><82>\":\"x\"}]            | BATCH | [1]",
        "[\"<FF>\"]                                       | BATCH | [0]",
        "{\"name\":\"Datenhafen <ED><A0><80>\"}           | PATH  | name",
        "{\"config\":{\"hosts\":[\"a\",\"<C0><AF>\"]}}    | PATH  | config.hosts[1]",
        "{\"a\":1} <C0><AF>                               | PATH  | body",
        "{\"a\":<C0><AF>}                                 | PATH  | body",
        "<EF><BB><BF>{\"a\":\"<C0><AF>\"}                 | PATH  | a",
        "{<00>\"<00>a<00>\"<00>:<00>1<00>}<00>            | PATH  | body",
        "{\"a\":{\"b\":\"<80>\"}}                         | DATA  | data"})
    void illFormedUtf8IsRefusedNamingWhereItIs(String body, StrictJson.Fields fields, String field) {
        assertThat(refusal(bytes(body.strip()), fields).field()).isEqualTo(field);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<ED><A0><80>     | an encoded surrogate",
        "<F4><90><80><80> | a code point beyond U+10FFFF",
        "<E2><82>         | a sequence cut short",
        "<80>             | a continuation byte without a first byte before it",
        "<FE>             | a byte that never occurs in UTF-8",
        "<00>             | a NUL byte"})
    void theRefusalSaysWhatIsWrongWithTheBytes(String bytes, String kind) {
        byte[] body = bytes("{\"a\":\"" + bytes.strip() + "\"}");

        assertThat(refusal(body, StrictJson.Fields.PATH).getMessage()).contains(" of the body is " + kind);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"name\":\"Datenhafen \\ud83d\"}           | PATH  | name   | \\ud83d",
        "{\"name\":\"\\ude00\\ud83d\"}               | PATH  | name   | \\ude00",
        "{\"name\":\"\\ud83d\\u0041\"}               | PATH  | name   | \\ud83d",
        "{\"scope\":{\"\\udc00\":1}}                 | PATH  | scope  | \\udc00",
        "{\"data\":{\"x\":\"a\\ud800\"}}             | EVENT | data   | \\ud800",
        "[{\"id\":\"1\"},{\"data\":[\"\\udfff\"]}]   | BATCH | [1].data | \\udfff",
        "\"\\ud800\"                                 | DATA  | data   | \\ud800"})
    void aLoneSurrogateEscapeIsRefusedNamingTheField(String body, StrictJson.Fields fields, String field,
                                                      String escape) {
        InvalidInputException refusal = refusal(body.strip().getBytes(StandardCharsets.UTF_8), fields);

        assertThat(refusal.field()).isEqualTo(field);
        assertThat(refusal.getMessage()).contains("holds the escape " + escape + ", an unpaired UTF-16 surrogate");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"specversion\":\"1.0\",\"id\":\"dup1\",\"id\":\"dup2\"} | EVENT | id",
        "{\"data\":{\"a\":{\"b\":1,\"c\":2,\"b\":3}}}              | EVENT | data",
        "[{\"id\":\"1\"},{\"type\":\"t\",\"type\":\"t\"}]          | BATCH | [1].type",
        "{\"name\":\"a\",\"name\":\"b\"}                           | PATH  | name",
        "{\"config\":{\"path\":\"a\",\"\\u0070ath\":\"b\"}}        | PATH  | config.path",
        "[{\"a\":1},{\"a\":1,\"b\":2,\"a\":3}]                     | DATA  | data"})
    void aNameGivenTwiceInOneObjectIsRefusedNamingIt(String body, StrictJson.Fields fields, String field) {
        InvalidInputException refusal = refusal(body.strip().getBytes(StandardCharsets.UTF_8), fields);

        assertThat(refusal.field()).isEqualTo(field);
        assertThat(refusal.getMessage()).contains("is given twice in one object");
    }

    @Test
    void theDuplicateSaysWhichNameInWhichObject() {
        byte[] body = "{\"config\":{\"path\":\"a\",\"path\":\"b\"}}".getBytes(StandardCharsets.UTF_8);

        assertThat(refusal(body, StrictJson.Fields.PATH).getMessage()).isEqualTo("the name \"path\" is given twice in "
            + "one object of config; each name once (which of the two a reader keeps differs from reader to reader)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":{\"x\":1},\"b\":{\"x\":2},\"x\":[{\"x\":3},{\"x\":4}]}",
        "{\"e\":\"\\ud83d\\ude00 \\u00e4 \\\\ud800 \u00e4\u20ac\ud83d\ude00\"}",
        "[1,2.5,true,null,\"x\",[],{}]",
        // not JSON: passed on, for the reader to say what is wrong
        "{\"a\":", "{\"a\":1,\"a\"", "nonsense", "",
        // after the first value: the readers read no further, or refuse what follows
        "{\"a\":1} {\"a\":1,\"a\":2}"})
    void wellFormedBodiesAndBodiesThatAreNoJsonPass(String body) {
        assertThatCode(() -> StrictJson.check(body.getBytes(StandardCharsets.UTF_8), StrictJson.Fields.PATH))
            .doesNotThrowAnyException();
    }

    @Test
    void theCanonicalFormRefusesASequenceCutShortAtTheEnd() {
        byte[] body = bytes("[\"<E2><82>");

        assertThat(CanonicalJson.end(body, 0)).isEqualTo(-1);
    }

    private static InvalidInputException refusal(byte[] body, StrictJson.Fields fields) {
        InvalidInputException refusal = catchThrowableOfType(() -> StrictJson.check(body, fields),
            InvalidInputException.class);
        assertThat(refusal).as(new String(body, StandardCharsets.ISO_8859_1)).isNotNull();
        return refusal;
    }
}
