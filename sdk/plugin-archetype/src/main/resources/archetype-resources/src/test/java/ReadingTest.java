package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.api.InvalidInputException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The validator alone: fast, no hub. */
class ReadingTest {

    @Test
    void takesAWholeNumberWithSurroundingWhitespace() {
        assertThat(Reading.parse("hall-1", " 42\n".getBytes(StandardCharsets.UTF_8), 100))
            .isEqualTo(new Reading("hall-1", 42));
    }

    @Test
    void refusesAValueAboveTheMaximumNamingTheBody() {
        assertThatThrownBy(() -> Reading.parse("hall-1", "101".getBytes(StandardCharsets.UTF_8), 100))
            .isInstanceOf(InvalidInputException.class)
            .hasMessage("a reading is from 0 to 100, was 101");
    }

    @Test
    void refusesAMeterNameWithALineBreak() {
        assertThatThrownBy(() -> Reading.parse("hall\n1", "1".getBytes(StandardCharsets.UTF_8), 100))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageStartingWith("the meter must be");
    }
}
