package de.datenhafen.core.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MessagesTest {

    /** Every face's bundles (and the shell's) under web/ in the hub's resources. */
    private static List<String> bases() throws IOException, URISyntaxException {
        Path web = Path.of(MessagesTest.class.getClassLoader().getResource("web").toURI());
        try (Stream<Path> files = Files.walk(web)) {
            return files.map(p -> web.getParent().relativize(p).toString().replace('\\', '/'))
                .filter(p -> p.endsWith("_de.properties"))
                .map(p -> p.substring(0, p.length() - "_de.properties".length())).sorted().toList();
        }
    }

    @Test
    void everyBundleHasTheSameKeysInGermanAndEnglish() throws Exception {
        List<String> bases = bases();
        assertThat(bases).contains(Messages.SHELL);
        for (String base : bases) {
            ClassLoader loader = MessagesTest.class.getClassLoader();
            assertThat(Messages.keys(loader, base, Language.EN)).as(base + " (en against de)")
                .containsExactlyElementsOf(Messages.keys(loader, base, Language.DE));
        }
    }

    @Test
    void readsUmlautsAsUtf8() {
        assertThat(Messages.shell().get(Language.DE, "shell.skip")).isEqualTo("Zum Inhalt springen");
        assertThat(Messages.shell().get(Language.EN, "shell.language.name")).isEqualTo("English");
    }

    @Test
    void aMissingKeyThrowsInsteadOfShowingTheKey() {
        assertThatThrownBy(() -> Messages.shell().get(Language.DE, "no.such.key"))
            .hasMessage("no text for 'no.such.key' in de");
    }
}
