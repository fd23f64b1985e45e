package de.datenhafen.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the flow parser refuses, each with the line and the block a user reads in the 422. */
class FlowRefusalsTest {

    static FlowRefusedException refusal(String yaml) {
        try {
            FlowParser.parse(yaml);
        } catch (FlowRefusedException e) {
            return e;
        }
        throw new AssertionError("the flow was taken:\n" + yaml);
    }

    private static String withStep(String step) {
        return """
            name: f
            from:
              bus: air.reading
            steps:
              - filter: co2 > 1000
            """ + step;
    }

    /**
     * A filter, split or aggregate in a choice's branch decides only what the rest of the branch sees: the blocks after
     * the choice would get every event the branch took, as it came (a collection made in the branch reached none of
     * them), so such a flow is refused; with nothing after the choice, or the blocks moved into the branch, it is taken.
     */
    @ParameterizedTest
    @ValueSource(strings = {"filter: co2 > 1500", "split: readings", "aggregate: {size: 2, seconds: 60}"})
    void refusesAFilterSplitOrAggregateInABranchWithBlocksAfterTheChoice(String inBranch) {
        String choice = """
              - choice:
                  - when: co2 > 2000
                    steps:
                      - log: high
                  - otherwise:
                      - choice:
                          - when: co2 > 1000
                            steps:
                              - %s
            """.formatted(inBranch);
        FlowRefusedException e = refusal(withStep(choice + "  - bus: {type: city.co2}\n"));
        String block = inBranch.substring(0, inBranch.indexOf(':'));
        assertThat(e.line()).isEqualTo(14);
        assertThat(e.block()).isEqualTo(block);
        assertThat(e.field()).isEqualTo("steps[1].choice[1].otherwise[0].choice[0].steps[0]");
        assertThat(e.getMessage()).contains("a " + block + " inside a choice's branch decides what the rest of its "
            + "branch sees, not what the blocks after the choice see").contains("(steps[2] on)");

        assertThat(FlowParser.parse(withStep(choice)).steps()).hasSize(2);
        assertThat(FlowParser.parse(withStep(choice.replace("- " + inBranch, "- " + inBranch
            + "\n" + " ".repeat(18) + "- bus: {type: city.co2}"))).steps()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exec", "file", "sql", "bean", "class", "script", "groovy", "to", "setBody", "language"})
    void refusesEveryBlockOutsideTheAllowList(String block) {
        FlowRefusedException e = refusal(withStep("  - " + block + ": something\n"));
        assertThat(e.getMessage()).startsWith("line 6, block '" + block + "': '" + block
            + "' is not a block a flow may use");
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.block()).isEqualTo(block);
        assertThat(e.field()).isEqualTo("steps[1]");
    }

    @Test
    void refusesAForbiddenBlockInsideAChoiceBranchNamingItsLine() {
        FlowRefusedException e = refusal(withStep("""
              - choice:
                  - when: co2 > 2000
                    steps:
                      - log: high
                      - exec: {command: rm}
            """));
        assertThat(e.line()).isEqualTo(10);
        assertThat(e.block()).isEqualTo("exec");
        assertThat(e.field()).isEqualTo("steps[1].choice[0].steps[1]");
        assertThat(e.getMessage()).contains("no exec, file, sql, bean, class or scripting");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{env:HOME}}", "{{file:/etc/passwd}}", "${sys:user.home}", "x-${env.PATH}",
        "{{sysenv:SECRET}}"})
    void refusesPlaceholdersThatWouldReadFilesOrTheEnvironment(String value) {
        FlowRefusedException e = refusal(withStep("  - webhook: {name: w, url: 'https://example.org/"
            + "', secret: '" + value + "'}\n"));
        assertThat(e.getMessage()).startsWith("line 6, block 'webhook':")
            .contains("property placeholders ({{...}}, ${...}) are not allowed");
        FlowRefusedException inType = refusal(withStep("  - bus: {type: '" + value + "'}\n"));
        assertThat(inType.line()).isEqualTo(6);
        assertThat(inType.getMessage()).contains("placeholders");
    }

    @Test
    void refusesAYamlBombBeforeExpandingIt() {
        String bomb = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            from: {bus: [*g]}
            steps: [{log: x}]
            """;
        FlowRefusedException e = refusal(bomb);
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.getMessage()).contains("the anchor &a is not allowed");
    }

    @Test
    void refusesDeepNesting() {
        String deep = "from: {bus: x}\nsteps: " + "[".repeat(200) + "]".repeat(200) + "\n";
        FlowRefusedException e = refusal(deep);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).isEqualTo("line 2: the YAML nests deeper than 24 levels");
    }

    @Test
    void refusesAHugeDocumentUnread() {
        String huge = withStep("  - log: '" + "x".repeat(FlowParser.MAX_CHARS) + "'\n");
        FlowRefusedException e = refusal(huge);
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.getMessage()).contains("characters; a flow has at most 65536");
    }

    /**
     * A key given twice: the stored text kept the first copy of a secret unmasked (only the last was masked), shown to
     * every viewer of the flow.
     */
    @Test
    void refusesAKeyGivenTwiceNamingItsLine() {
        FlowRefusedException e = refusal(withStep("""
              - webhook:
                  name: target
                  url: https://hooks.example.org/in
                  secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                  secret: whsec_Rk9PQ9r8GKYqrTwjUPD8ILPZIo2LaLaS
            """));
        assertThat(e.line()).isEqualTo(10);
        assertThat(e.getMessage()).contains("'secret' is given twice; give each key once")
            .doesNotContain("whsec_");
        assertThat(refusal("name: a\nname: b\nfrom:\n  bus: air.reading\nsteps:\n  - log: x\n").getMessage())
            .contains("'name' is given twice");
    }

    @Test
    void refusesTagsThatWouldNameJavaClasses() {
        FlowRefusedException e = refusal(withStep("  - log: !!javax.script.ScriptEngineManager [x]\n"));
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.getMessage()).contains("the tag tag:yaml.org,2002:javax.script.ScriptEngineManager is not allowed");
    }

    @Test
    void refusesAnExpressionThatDoesNotParseNamingItsBlock() {
        FlowRefusedException e = refusal(withStep("  - transform: '{\"a\": '\n"));
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.block()).isEqualTo("transform");
        assertThat(e.getMessage()).contains("not a valid JSONata expression");
    }

    @Test
    void refusesBoundsPastTheirLimits() {
        assertThat(refusal(withStep("  - split: {expression: items, max: 100000}\n")).getMessage())
            .isEqualTo("line 6, block 'split': max must be a whole number from 1 to 1000, not '100000'");
        assertThat(refusal(withStep("  - delay: {millis: 3600000}\n")).getMessage())
            .contains("millis must be a whole number from 0 to 30000");
        assertThat(refusal(withStep("  - aggregate: {size: 5000, seconds: 10}\n")).getMessage())
            .contains("size must be a whole number from 1 to 1000");
    }

    @Test
    void anExpressionThatLoopsFailsItsEventWithTheReasonWithinItsTimeLimit() {
        Expression loop = new Expression("($f := function($n) { $n < 0 ? 0 : 1 + $f($n + 1) }; $f(1))");
        long start = System.nanoTime();
        assertThatThrownBy(() -> loop.evaluate(Map.of(), attributes()))
            .isInstanceOf(Expression.LimitException.class).hasMessageContaining("nests deeper than 200");
        Expression spin = new Expression("($f := function($n) { $f($n + 1) }; $f(0))"); // a tail call: a loop
        assertThatThrownBy(() -> spin.evaluate(Map.of(), attributes()))
            .isInstanceOf(Expression.LimitException.class).hasMessageContaining("ran longer than 1000 ms");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void anExpressionThatAllocatesPastTheBoundIsRefused() {
        Expression big = new Expression("[1..5000000]");
        assertThatThrownBy(() -> big.evaluate(Map.of(), attributes()))
            .isInstanceOf(Expression.LimitException.class)
            .hasMessageContaining("made a value of more than 1048576 elements and characters");
        Expression longText = new Expression("$join($map([1..1000000], function($x) { \"xxxxxxxxxx\" }))");
        assertThatThrownBy(() -> longText.evaluate(Map.of(), attributes()))
            .isInstanceOf(Expression.LimitException.class)
            .hasMessageMatching("the expression (ran longer than 1000 ms|made a string of 10000000 characters"
                + "|made a value of more than 1048576 elements and characters"
                + "|made more than 2097152 elements and characters in all).*");
        FlowRefusedException pad = refusal(withStep("  - transform: '($p := $pad; $p(\"\", 3000000, \"x\"))'\n"));
        assertThat(pad.getMessage()).startsWith("line 6, block 'transform': $pad is not available in flows");
    }

    @Test
    void aMemberFlowWritesOnlyItsMembersTypes() {
        String yaml = withStep("  - bus: {type: air.alert}\n");
        assertThat(FlowManager.checked(yaml, null).busOuts()).hasSize(1);
        FlowRefusedException e = null;
        try {
            FlowManager.checked(yaml, "kita-verbund");
        } catch (FlowRefusedException ex) {
            e = ex;
        }
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).isEqualTo("line 6, block 'bus': a flow of member kita-verbund writes only its "
            + "member's event types, named kita-verbund.<...>; 'air.alert' is not one");
        assertThat(FlowManager.checked(withStep("  - bus: {type: kita-verbund.alert}\n"), "kita-verbund").busOuts())
            .extracting(Flow.BusOut::type).isEqualTo(List.of("kita-verbund.alert"));
    }

    @Test
    void secretsAreShownRedactedAndKeptInPlace() {
        String yaml = withStep("  - webhook: {name: w, url: 'https://example.org/h', secret: \"whsec_abc'def\"}\n");
        String shown = FlowManager.redacted(yaml);
        assertThat(shown).doesNotContain("whsec_abc").contains("secret: '********'}");
        assertThat(FlowParser.parse(shown).secrets()).containsEntry("steps[1].webhook.secret", "********");
    }

    private static Expression.Attributes attributes() {
        return new Expression.Attributes("t", "s", "i", null, "/x");
    }
}
