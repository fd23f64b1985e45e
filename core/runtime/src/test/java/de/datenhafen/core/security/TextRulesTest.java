package de.datenhafen.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.InvalidInputException;
import org.junit.jupiter.api.Test;

/** What people type as names: a right-to-left override or half a character is refused naming the field. */
class TextRulesTest {

    @Test
    void anEmailAddressNeedsOneAtBetweenTwoPartsWithoutSpaces() {
        assertThat(TextRules.email(" anna@kulturbuero.example ", "email")).isEqualTo("anna@kulturbuero.example");
        assertThat(TextRules.email("", "email")).isNull();
        for (String wrong : java.util.List.of("anna(at)kulturbuero", "anna@", "@kulturbuero", "an na@x.example",
            "anna@@x.example", "anna@x@y")) {
            assertThatThrownBy(() -> TextRules.email(wrong, "email")).as(wrong)
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("email"))
                .hasMessage("email is not an e-mail address such as anna@example.org");
        }
    }

    @Test
    void refusesBidiOverridesLoneSurrogatesAndControlCharactersButNotRightToLeftText() {
        for (String name : new String[] {"Stadt\u202Ekreis", "a\u2066b\u2069", "lone \ud800 half", "tab\there"}) {
            assertThatThrownBy(() -> TextRules.required(name, "name", 200)).as(name)
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("name"));
        }
        assertThat(TextRules.required("  مركز الاستشارة  ", "name", 200)).isEqualTo("مركز الاستشارة");
        assertThat(TextRules.required("Beratung 👩‍⚕️ \u200F", "name", 200)).isEqualTo("Beratung 👩‍⚕️ \u200F");
    }
}
