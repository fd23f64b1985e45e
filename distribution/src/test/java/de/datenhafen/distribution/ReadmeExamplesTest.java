package de.datenhafen.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the README examples test reads a README and compares answers (the rules in {@link ReadmeExamples}). */
class ReadmeExamplesTest {

    static final List<String> README = List.of(
        "# Title",                                                    // 1
        "Text with `curl $HUB/x` in it.",                             // 2
        "```sh",                                                      // 3
        "HUB=http://localhost:8080",                                  // 4
        "curl $HUB/health/live",                                      // 5
        "curl -H 'X: y' \\",                                          // 6
        "  -d '{\"a\":",                                              // 7
        "  1}' $HUB/api/v1/events",                                   // 8
        "# -> 202 {\"events\":[{\"sequence\":1,\"duplicate\":false}]} and more prose", // 9
        "# curl in a comment is prose",                               // 10
        "```",                                                        // 11
        "```json",                                                    // 12
        "{\"curl\": 1}",                                              // 13
        "```",                                                        // 14
        "```sh",                                                      // 15
        "./mvnw -B verify",                                           // 16
        "```",                                                        // 17
        "```sh",                                                      // 18
        "EX=$(echo examples)",                                        // 19
        "```");                                                       // 20

    @Test
    void commandsSpanTheirContinuationLinesAndTakeTheAnswerShownAfterThem() {
        ReadmeExamples.Parsed p = ReadmeExamples.parse(README);

        assertThat(p.commands()).extracting(ReadmeExamples.Command::first, ReadmeExamples.Command::last)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(5, 5), org.assertj.core.groups.Tuple.tuple(6, 8));
        assertThat(p.commands().get(0).expect()).isNull();
        assertThat(p.commands().get(1).expect().status()).isEqualTo(202);
        assertThat(p.commands().get(1).expect().body().toString())
            .isEqualTo("{\"events\":[{\"sequence\":1,\"duplicate\":false}]}");
    }

    @Test
    void anApostropheInACommentDoesNotOpenAQuote() {
        assertThat(ReadmeExamples.quoteAfter("curl $P/sites   # the rooms' readings", (char) 0)).isEqualTo((char) 0);
        assertThat(ReadmeExamples.quoteAfter("curl -d '{\"a\": \"#x\"", (char) 0)).isEqualTo('\'');
        assertThat(ReadmeExamples.quoteAfter("  1}' $HUB # it's", '\'')).isEqualTo((char) 0);
        assertThat(ReadmeExamples.quoteAfter("curl -H \"it's\" $HUB", (char) 0)).isEqualTo((char) 0);
    }

    @Test
    void theScriptKeepsTheReadmesLineNumbersAndHoldsOnlyTheExampleBlocks() {
        ReadmeExamples.Parsed p = ReadmeExamples.parse(README);

        assertThat(p.scriptLines()).hasSize(README.size());
        assertThat(p.scriptLines().get(4)).isEqualTo("curl $HUB/health/live");
        assertThat(p.scriptLines().get(1)).isEmpty();
        assertThat(p.scriptLines().get(12)).isEmpty();
        assertThat(p.scriptLines().get(15)).as("a block without curl or variables is not run").isEmpty();
        assertThat(p.scriptLines().get(18)).as("a block that sets a variable is").isEqualTo("EX=$(echo examples)");
    }

    @Test
    void aCurlExampleInTheTextIsAnErrorSoNoExampleEscapesTheTest() {
        assertThat(ReadmeExamples.parse(README).errors())
            .containsExactly("line 2: a curl example in the text, where no test runs it (put it in a ```sh block)");
    }

    @Test
    void numbersAreExamplesStringsAreExactOrPrefixesAndFieldsMayBeMore() throws Exception {
        var shown = ReadmeExamples.JSON.readTree(
            "{\"valid\":false,\"problems\":[{\"field\":\"config.path\",\"error\":\"is required: ...\"}],\"n\":3}");

        assertThat(ReadmeExamples.mismatches(shown, ReadmeExamples.JSON.readTree("{\"valid\":false,\"n\":17,"
            + "\"problems\":[{\"field\":\"config.path\",\"error\":\"is required: a path\"},{}],\"more\":1}"))).isEmpty();
        assertThat(ReadmeExamples.mismatches(shown, ReadmeExamples.JSON.readTree("{\"valid\":true,\"n\":\"3\","
            + "\"problems\":[{\"field\":\"config.type\",\"error\":\"unknown\"}]}")))
            .containsExactly("$.valid is true, not false", "$.problems[0].field is \"config.type\", not \"config.path\"",
                "$.problems[0].error does not start with \"is required: \": \"unknown\"", "$.n is not a number: \"3\"");
    }

    @Test
    void aCallInsideACommandSubstitutionIsCountedApartFromTheNextOne(@org.junit.jupiter.api.io.TempDir
                                                                     java.nio.file.Path dir) throws Exception {
        java.nio.file.Path script = dir.resolve("s.sh");
        java.nio.file.Files.writeString(script, ReadmeExamplesIT.prelude(dir) + "\n"
            + "X=$(curl http://127.0.0.1:1/first)\n" + "curl http://127.0.0.1:1/second\n");

        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        assertThat(java.nio.file.Files.readAllLines(dir.resolve("calls"))).extracting(l -> l.split(" ")[0] + "@"
            + l.split(" ")[1]).containsExactly("1@2", "2@3");
    }
}
