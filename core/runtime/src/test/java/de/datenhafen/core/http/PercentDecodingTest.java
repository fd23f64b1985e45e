package de.datenhafen.core.http;

import static de.datenhafen.core.http.StrictJsonTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import de.datenhafen.api.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A form's fields are what the browser encoded, or the form is refused: escaped bytes that are not well-formed UTF-8
 * are no longer read as U+FFFD (a password of {@code %C0%AE} compared as the replacement character).
 */
class PercentDecodingTest {

    @Test
    void aFormIsReadAsABrowserEncodesIt() {
        Map<String, List<String>> fields = PercentDecoding.form(
            "user=vera&password=Hafen+Kran%21%20%C3%BC%F0%9F%98%80&next=%2Fconsole%2F&user=again&flag&&empty="
                .getBytes(StandardCharsets.US_ASCII));

        assertThat(fields).containsExactly(Map.entry("user", List.of("vera", "again")),
            Map.entry("password", List.of("Hafen Kran! \u00fc\ud83d\ude00")), Map.entry("next", List.of("/console/")),
            Map.entry("flag", List.of("")), Map.entry("empty", List.of("")));
    }

    @Test
    void rawUtf8InTheBodyIsTakenAsItIs() {
        assertThat(PercentDecoding.form("name=M\u00fcller".getBytes(StandardCharsets.UTF_8)))
            .containsEntry("name", List.of("M\u00fcller"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "user=vera&password=%C0%AE%C0%AE    | password | holds percent-encoded bytes that are not well-formed UTF-8 (%C0%AE%C0%AE at position 0)",
        "password=ab%ED%A0%80               | password | holds percent-encoded bytes that are not well-formed UTF-8 (%ED%A0%80 at position 2)",
        "password=%E2%82                    | password | holds percent-encoded bytes that are not well-formed UTF-8",
        "password=%FF                       | password | holds percent-encoded bytes that are not well-formed UTF-8",
        "password=50%                       | password | has a broken percent-encoding at position 2",
        "password=%zz                       | password | has a broken percent-encoding at position 0",
        "us%C0%AEer=vera                    | body     | holds percent-encoded bytes that are not well-formed UTF-8",
        "user=<C0><AE>                      | body     | is not well-formed UTF-8: C0 AE at byte 5 of the body is an overlong form"})
    void aFieldThatIsNotWellFormedIsRefusedNamingIt(String body, String field, String problem) {
        InvalidInputException refusal = catchThrowableOfType(() -> PercentDecoding.form(bytes(body)),
            InvalidInputException.class);

        assertThat(refusal).isNotNull();
        assertThat(refusal.field()).isEqualTo(field);
        assertThat(refusal.getMessage()).contains(problem);
    }

    @Test
    void aFormOfMoreThanAThousandFieldsIsRefusedNotCutShort() {
        String many = "a=1&".repeat(PercentDecoding.MAX_FORM_FIELDS) + "b=2";

        InvalidInputException refusal = catchThrowableOfType(
            () -> PercentDecoding.form(many.getBytes(StandardCharsets.US_ASCII)), InvalidInputException.class);

        assertThat(refusal).isNotNull();
        assertThat(refusal.getMessage()).isEqualTo("the form has more than 1024 fields");
        assertThat(PercentDecoding.form("a=1&".repeat(PercentDecoding.MAX_FORM_FIELDS).getBytes(
            StandardCharsets.US_ASCII)).get("a")).hasSize(PercentDecoding.MAX_FORM_FIELDS);
    }

    @Test
    void aHeaderValueKeepsItsPlus() {
        assertThat(PercentDecoding.decode("a+b%20c", false, "ce-subject", "ce-subject")).isEqualTo("a+b c");
        assertThat(PercentDecoding.decode("a+b%20c", true, "field", "field")).isEqualTo("a b c");
    }
}
