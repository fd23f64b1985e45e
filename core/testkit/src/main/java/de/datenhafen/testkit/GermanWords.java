package de.datenhafen.testkit;

import de.datenhafen.api.ConfigProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

/**
 * A plugin's German words as the hub says them to a German admin, read from the plugin's
 * {@code datenhafen/texts_de.properties} on the test class path (the module's own): for a unit test of a connector's
 * {@code validate} that its coded problems ({@link ConfigProblem#coded}, plugin API 1.13) read in German, without
 * starting a hub. The hub reads the same file of the plugin's archive.
 */
public final class GermanWords {

    private static final String TEXTS = "datenhafen/texts_de.properties";

    private GermanWords() {
    }

    /**
     * The German words of {@code problem} of {@code connector}: {@code <connector>.problem.<code>}, else
     * {@code problem.<code>}, with the problem's values as written.
     *
     * @throws AssertionError when the problem has no code, or its code no words
     */
    public static String of(String connector, ConfigProblem problem) {
        if (problem.code() == null) {
            throw new AssertionError("the problem has no code, so a German admin reads it in English: " + problem);
        }
        Properties texts = texts();
        String words = texts.getProperty(connector + ".problem." + problem.code(),
            texts.getProperty("problem." + problem.code()));
        if (words == null || words.isBlank()) {
            throw new AssertionError("no German words for the problem code " + problem.code() + " of " + connector
                + " in " + TEXTS + " (" + connector + ".problem." + problem.code() + " or problem." + problem.code()
                + "): " + problem);
        }
        Object[] values = problem.args().stream().map(String::valueOf).toArray();
        return new MessageFormat(words.strip(), Locale.GERMAN).format(values);
    }

    private static Properties texts() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Properties texts = new Properties();
        try (InputStream in = loader.getResourceAsStream(TEXTS)) {
            if (in == null) {
                throw new AssertionError(TEXTS + " is not on the test class path");
            }
            texts.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }
}
