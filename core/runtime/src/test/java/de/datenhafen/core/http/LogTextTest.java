package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What text from outside becomes in one log line. */
class LogTextTest {

    @Test
    void lineBreaksAndTerminalControlsBecomeVisibleEscapes() {
        assertThat(LogText.escape("a\r\nINFO forged\u001b[2Jb\u0085c\u2028d")).isEqualTo(
            "a\\r\\nINFO forged\\u001b[2Jb\\u0085c\\u2028d");
    }

    /** The probe's subject {@code ok<U+202E>evil}: the rest of the admin's line would show reversed. */
    @Test
    void bidirectionalFormattingCharactersBecomeVisibleEscapes() {
        assertThat(LogText.escape("ok\u202eevil \u2066x\u2069 \u200f\u061c")).isEqualTo(
            "ok\\u202eevil \\u2066x\\u2069 \\u200f\\u061c");
    }

    @Test
    void textOfEveryScriptStaysAsItIs() {
        String text = "Stra\u00dfe \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \ud83d\ude00 \u20ac";

        assertThat(LogText.escape(text)).isEqualTo(text);
    }
}
