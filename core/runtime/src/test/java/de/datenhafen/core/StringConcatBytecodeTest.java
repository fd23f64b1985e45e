package de.datenhafen.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hub's classes are compiled with {@code -XDstringConcat=inline} (the root pom): no string concatenation through
 * invokedynamic, whose call sites each made the JDK spin method-handle classes at their first run (about 980 classes
 * of an idle hub, issue 17). A module whose compiler settings lose the option fails here.
 */
class StringConcatBytecodeTest {

    private static final byte[] BOOTSTRAP = "makeConcatWithConstants".getBytes(StandardCharsets.US_ASCII);

    @Test
    void noClassOfTheHubConcatenatesStringsThroughInvokedynamic() throws IOException, URISyntaxException {
        Path classes = Path.of(Hub.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(classes).isDirectory(); // target/classes in the build
        List<String> found = new ArrayList<>();
        int read = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                read++;
                if (contains(Files.readAllBytes(f), BOOTSTRAP)) {
                    found.add(classes.relativize(f).toString());
                }
            }
        }
        assertThat(read).as("class files read").isGreaterThan(300);
        assertThat(found).as("classes with invokedynamic string concatenation").isEmpty();
    }

    @Test
    void theCheckFindsAnIndyConcatenationWhereThereIsOne() {
        byte[] pool = ("\u0001\u0000\u0017" + "makeConcatWithConstants" + "\u0001").getBytes(StandardCharsets.US_ASCII);
        assertThat(contains(pool, BOOTSTRAP)).isTrue();
        assertThat(contains("makeConcatWith".getBytes(StandardCharsets.US_ASCII), BOOTSTRAP)).isFalse();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
