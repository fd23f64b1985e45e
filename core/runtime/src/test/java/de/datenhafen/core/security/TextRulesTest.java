package de.datenhafen.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.InvalidInputException;
import org.junit.jupiter.api.Test;

/** What people type as names: a right-to-left override or half a character is refused naming the field. */
class TextRulesTest {

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
