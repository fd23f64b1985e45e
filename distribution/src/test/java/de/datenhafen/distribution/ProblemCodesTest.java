package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The scan of a plugin's source for its problem codes, which DemoWorldIT checks for German words. */
class ProblemCodesTest {

    @Test
    void findsTheCodeOfEachCallWhateverItsMessageHolds() {
        String source = """
            problems.add(ConfigProblem.coded("max", "must be at least min (" + min(a, b) + "), not ','",
                "max-below-min", min));
            return List.of(ConfigProblem.coded(KEY, "is \\"wrong\\"", "wrong"));
            """;

        assertThat(ProblemCodes.in(source, "X.java")).containsExactly("max-below-min", "wrong");
    }

    @Test
    void refusesACodeThatIsNoStringLiteral() {
        assertThatThrownBy(() -> ProblemCodes.in("ConfigProblem.coded(\"max\", \"is wrong\", code)", "X.java"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X.java")
            .hasMessageContaining("is not a string literal (code)");
    }
}
