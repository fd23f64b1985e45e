package de.datenhafen.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regular expressions in a flow's expressions: JSONata's meaning, and the time limit inside one regex call. */
class FlowRegexTest {

    private static final Expression.Attributes NONE = new Expression.Attributes("t", null, "1", null, "/s");
    /** 29 a's: (.*a){30} cannot match and Java's engine tries every split of them ((a+)+$ it memoizes). */
    private static final Map<String, Object> EVIL = Map.of("s", "a".repeat(29));

    private static Object eval(String expression, Object data) {
        return new Expression(expression).evaluate(data, NONE);
    }

    @Test
    void aRegexThatBacktracksCatastrophicallyEndsAtTheTimeLimitInEachRegexFunction() {
        // $contains runs the same find as $match; the dry run and the running flow use it (FlowsTest)
        for (String e : List.of("s.$match(/(.*a){30}/)", "$replace(s, /(.*a){30}/, \"x\")",
            "$split(s, /(.*a){30}/)")) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> eval(e, EVIL)).as(e).isInstanceOf(Expression.LimitException.class)
                .hasMessage("a regular expression ((.*a){30}) ran longer than 1000 ms of CPU time (does it backtrack "
                    + "catastrophically?)");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as(e + " ended after (ms)").isBetween(900L, 4_000L);
        }
    }

    @Test
    void aRegexAppliedAsAFunctionFailsAtOnceInsteadOfRunningUnbounded() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> eval("/(.*a){30}/(s)", EVIL)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("the expression failed");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(500L);
    }

    @Test
    void aRegexInsideAnObjectConstructorIsBoundedToo() {
        // the parse tree holds an object constructor's pairs in arrays, which the walk that finds the literals missed:
        // $contains failed there, and a regex applied as a function ran on the library's own path, without a limit
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> eval("{\"a\": $contains(s, /(.*a){30}/)}", EVIL))
            .isInstanceOf(Expression.LimitException.class)
            .hasMessage("a regular expression ((.*a){30}) ran longer than 1000 ms of CPU time (does it backtrack "
                + "catastrophically?)");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ended after (ms)").isBetween(900L, 4_000L);
        assertThat(eval("{\"a\": $contains(s, /a+/)}", EVIL)).isEqualTo(Map.of("a", true));
        long t1 = System.nanoTime();
        assertThatThrownBy(() -> eval("{\"a\": /(.*a){30}/(s)}", EVIL)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("the expression failed");
        assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(500L);
    }

    @Test
    void theRegexFunctionsMeanWhatJsonataSays() {
        assertThat(eval("$match(\"ababbabbcc\", /a(b+)/)", null)).isEqualTo(List.of(
            Map.of("match", "ab", "index", 0, "groups", List.of("b")),
            Map.of("match", "abb", "index", 2, "groups", List.of("bb")),
            Map.of("match", "abb", "index", 5, "groups", List.of("bb"))));
        assertThat(((Number) eval("$count($match(\"ababbabbcc\", /a(b+)/, 2))", null)).intValue()).isEqualTo(2);
        assertThat(eval("$contains(\"abracadabra\", /a.*a/)", null)).isEqualTo(true);
        assertThat(eval("$contains(\"abracadabra\", \"bra\")", null)).isEqualTo(true);
        assertThat(eval("$contains(\"abracadabra\", /^b/)", null)).isEqualTo(false);
        assertThat(eval("$contains(\"Hello\", /hello/i)", null)).isEqualTo(true);
        assertThat(eval("$replace(\"John Smith\", /(\\w+)\\s(\\w+)/, \"$2, $1\")", null)).isEqualTo("Smith, John");
        assertThat(eval("$replace(\"a1b22c333\", /[0-9]+/, \"#\", 2)", null)).isEqualTo("a#b#c333");
        assertThat(eval("$replace(\"265USD\", /([0-9]+)USD/, \"$$$1\")", null)).isEqualTo("$265");
        assertThat(eval("$replace(\"mississippi\", \"ss\", \"SS\")", null)).isEqualTo("miSSiSSippi");
        assertThat(eval("$replace(\"abc\", /b/, function($m) { $uppercase($m.match) })", null)).isEqualTo("aBc");
        assertThat(eval("$split(\"a, b,c\", /,\\s*/)", null)).isEqualTo(List.of("a", "b", "c"));
        assertThat(eval("$split(\"a,b,,\", \",\")", null)).isEqualTo(List.of("a", "b", "", ""));
        assertThat(eval("$split(\"abc\", \"\", 2)", null)).isEqualTo(List.of("a", "b"));
        assertThat(eval("$contains(missing, /x/)", Map.of())).isNull();
        assertThatThrownBy(() -> eval("$match(\"abc\", \"b\")", null)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("the expression failed: the second argument of $match must be a regular expression, like "
                + "/ab+/");
    }
}
