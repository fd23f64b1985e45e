package de.datenhafen.plugins.social;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text analysis for German (and the English beside it): folding of umlauts and ß, word splitting, and a light
 * stemmer after Savoy's "light" German stemmer (also the idea behind Lucene's GermanLightStemmer), written here in a
 * few lines instead of bundling Lucene. Compounds are handled at match time by {@link SearchIndex}: a query stem
 * that begins or ends a longer indexed word matches it ("schuld" begins "schuldnerberatung").
 */
final class GermanText {

    private GermanText() {
    }

    /** Lower case, ä→a, ö→o, ü→u, ß→ss, other accents dropped; anything not a letter or digit becomes a space. */
    static String fold(String s) {
        StringBuilder b = new StringBuilder(s.length() + 4);
        String lower = s.toLowerCase(Locale.GERMAN);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            switch (c) {
                case 'ä', 'à', 'á', 'â' -> b.append('a');
                case 'ö', 'ò', 'ó', 'ô' -> b.append('o');
                case 'ü', 'ù', 'ú', 'û' -> b.append('u');
                case 'é', 'è', 'ê' -> b.append('e');
                case 'ß' -> b.append("ss");
                default -> b.append(Character.isLetterOrDigit(c) ? c : ' ');
            }
        }
        return b.toString();
    }

    /** The folded words of a text, in order. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        for (String w : fold(s).split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** The stem of a folded word: inflection suffixes removed ("schulden" → "schuld", "beratungen" → "beratung"). */
    static String stem(String w) {
        int len = w.length();
        // step 1: plural and case endings
        if (len > 5 && w.endsWith("ern")) {
            len -= 3;
        } else if (len > 4 && (w.endsWith("em") || w.endsWith("en") || w.endsWith("er") || w.endsWith("es"))) {
            len -= 2;
        } else if (len > 3 && w.endsWith("e")) {
            len -= 1;
        } else if (len > 3 && w.endsWith("s") && validSEnding(w.charAt(len - 2))) {
            len -= 1;
        }
        // step 2: comparative and superlative endings
        String s = w.substring(0, len);
        if (len > 5 && s.endsWith("est")) {
            len -= 3;
        } else if (len > 4 && (s.endsWith("er") || s.endsWith("en"))) {
            len -= 2;
        } else if (len > 4 && s.endsWith("st") && validStEnding(s.charAt(len - 3))) {
            len -= 2;
        }
        return w.substring(0, len);
    }

    private static boolean validSEnding(char c) {
        return "bdfghklmnrt".indexOf(c) >= 0;
    }

    private static boolean validStEnding(char c) {
        return "bdfghklmnt".indexOf(c) >= 0;
    }
}
