package de.datenhafen.core.plugin;

import de.datenhafen.api.ConfigProblem;
import java.util.Optional;

/**
 * A connector's own config problems in its plugin's words (plugin API 1.13). A connector codes a problem
 * ({@link ConfigProblem#coded}); the hub, which knows whose connector it asked, puts the plugin's id and the
 * connector's name in front of the code: {@code <plugin>:<connector>:<code>}. The HTTP layer, which knows the language
 * asked, reads the words in that plugin's texts ({@value LoadedPlugin#TEXTS}{@code <language>.properties}):
 * {@code <connector>.problem.<code>}, else {@code problem.<code>} for a problem its connectors share.
 *
 * <p>Why namespaced rather than looked up by the plugin's code alone: the words must come from that plugin's texts
 * only. The hub's catalogue has no code with a colon (no plugin id has one), so a plugin's {@code config.required}
 * is never the hub's; and the rest is read in that plugin's texts alone, so a plugin never borrows (or spoils)
 * another plugin's words, whatever its code says.
 */
public final class PluginProblems {

    private PluginProblems() {
    }

    /**
     * {@code problem}, found by {@code connector} of {@code plugin}, with its code namespaced; without a code when it
     * had none or the plugin is not known (its English words are then all it has).
     */
    public static ConfigProblem of(LoadedPlugin plugin, String connector, ConfigProblem problem) {
        if (problem.code() == null) {
            return problem;
        }
        if (plugin == null) {
            return new ConfigProblem(problem.field(), problem.message());
        }
        return new ConfigProblem(problem.field(), problem.message(),
            plugin.id() + ":" + connector + ":" + problem.code(), problem.args());
    }

    /** Whether {@code code} is a plugin's ({@link #of}), not of the hub's catalogue. */
    public static boolean isPlugins(String code) {
        return code != null && code.indexOf(':') > 0;
    }

    /**
     * The words of a plugin's coded problem ({@link #isPlugins}) in {@code language}, from its own plugin's texts, as
     * a {@link java.text.MessageFormat} pattern; empty when that plugin is not loaded or has none.
     */
    public static Optional<String> words(PluginHost plugins, String language, String code) {
        String[] parts = code.split(":", 3);
        if (parts.length < 3) {
            return Optional.empty();
        }
        return plugins.plugin(parts[0]).flatMap(p -> p.text(language, parts[1] + ".problem." + parts[2])
            .or(() -> p.text(language, "problem." + parts[2])));
    }
}
