package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import de.datenhafen.api.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"r-1", "a b~!", "r-\u00e4\u20ac", "r-\ud83d\ude00", "\ud83d\ude00", "\u00a0", "x\u0080"})
    void takesPrintableTextAndPairedSurrogates(String id) {
        assertThatCode(() -> EventRules.check(BusFixtures.event("/s", id, BusFixtures.READING, null), "[2]."))
            .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"r-\u0000", "\u001f", "r-\u007f", "r-\n", "r-\ud83d", "r-\ude00x", "\ude00\ud83d",
        "abcdefgh\u007f", "r-\u00e4\u0001"})
    void refusesControlCharactersAndUnpairedSurrogatesNamingTheField(String id) {
        InvalidInputException e = catchThrowableOfType(
            () -> EventRules.check(BusFixtures.event("/s", id, BusFixtures.READING, null), "[2]."),
            InvalidInputException.class);

        assertThat(e).isNotNull();
        assertThat(e.field()).isEqualTo("[2].id");
    }
}
