package de.datenhafen.core.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The texts of a face in each {@link Language}: {@code <base>_de.properties} and {@code <base>_en.properties} on the
 * class path, read as UTF-8, layered over the shell's own ({@value #SHELL}) so a face names only its own keys. Both
 * languages must have the same keys (a test checks every face's bundles). A missing key throws: a page never shows a
 * key instead of a text. Immutable once loaded; any thread.
 */
public final class Messages {

    /** The shell's bundle: skip link, language switch, errors shared by every face. */
    public static final String SHELL = "web/messages";

    private final Map<Language, Properties> texts = new EnumMap<>(Language.class);

    private Messages(ClassLoader loader, String base, Messages parent) {
        for (Language l : Language.values()) {
            Properties p = new Properties();
            if (parent != null) {
                p.putAll(parent.texts.get(l));
            }
            p.putAll(read(loader, base, l));
            texts.put(l, p);
        }
    }

    /** The shell's texts alone. */
    public static Messages shell() {
        return SHELL_MESSAGES;
    }

    /** A face's texts over the shell's, e.g. {@code of(loader, "web/console/messages")}. */
    public static Messages of(ClassLoader loader, String base) {
        return new Messages(loader, base, SHELL_MESSAGES);
    }

    private static final Messages SHELL_MESSAGES = new Messages(Messages.class.getClassLoader(), SHELL, null);

    /** The text of {@code key}, with {@code {0}}-style arguments filled in when there are any. */
    public String get(Language language, String key, Object... args) {
        String text = texts.get(language).getProperty(key);
        if (text == null) {
            throw new IllegalArgumentException("no text for '" + key + "' in " + language.code());
        }
        return args.length == 0 ? text : new MessageFormat(text, language.locale()).format(args);
    }

    /** The text of {@code key} if there is one (for texts of values the hub may grow, such as states). */
    public java.util.Optional<String> find(Language language, String key) {
        return java.util.Optional.ofNullable(texts.get(language).getProperty(key));
    }

    /** The keys of one language's bundle as read from {@code base} alone (for the test that both have the same). */
    public static Set<String> keys(ClassLoader loader, String base, Language language) {
        Set<String> keys = new TreeSet<>();
        read(loader, base, language).keySet().forEach(k -> keys.add((String) k));
        return keys;
    }

    private static Properties read(ClassLoader loader, String base, Language l) {
        String name = base + "_" + l.code() + ".properties";
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the texts " + name + " are missing from the class path");
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
