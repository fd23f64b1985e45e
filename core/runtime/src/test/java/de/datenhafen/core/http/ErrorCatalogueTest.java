package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The error catalogue: every code the hub's code gives an error has German words, and no words are left over. */
class ErrorCatalogueTest {

    /** A coded error ({@code .coded("member.exists", ...)}) or a coded problem ({@code codedProblem("...", ...)}). */
    private static final Pattern CODED = Pattern.compile("(?:\\.coded|codedProblem)\\(\"([a-zA-Z0-9.]+)\"");

    @Test
    void everyCodeThrownHasGermanWordsAndEveryLineACode() throws IOException {
        Set<String> thrown = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = CODED.matcher(Files.readString(f));
                while (m.find()) {
                    thrown.add(m.group(1));
                }
            }
        }
        Properties german = new Properties();
        try (var in = new InputStreamReader(getClass().getClassLoader()
            .getResourceAsStream("errors/messages_de.properties"), StandardCharsets.UTF_8)) {
            german.load(in);
        }
        assertThat(thrown).as("codes in the code").hasSizeGreaterThan(20);
        assertThat(german.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(thrown);
    }

    @Test
    void germanIsForAClientThatRanksItFirstAndEnglishForAnyOther() {
        assertThat(Errors.prefersGerman("de")).isTrue();
        assertThat(Errors.prefersGerman("de-DE,de;q=0.9,en;q=0.8")).isTrue();
        assertThat(Errors.prefersGerman("en-US,en;q=0.9,de;q=0.8")).isFalse();
        assertThat(Errors.prefersGerman(null)).as("curl, a machine").isFalse();
        assertThat(Errors.prefersGerman("*")).isFalse();
        assertThat(Errors.prefersGerman("fr")).isFalse();
        // empty ranges (a probe's header held requests without an answer: the parser threw on the event loop)
        assertThat(Errors.prefersGerman(";")).isFalse();
        assertThat(Errors.prefersGerman("de, ;")).isTrue();
        assertThat(Errors.prefersGerman(",,")).isFalse();
        assertThat(Errors.prefersGerman(";q=1,en")).isFalse();
    }
}
