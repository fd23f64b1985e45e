package de.datenhafen.plugins.transit.timetable;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds stops by name and by distance. Names are compared folded: lower case, accents removed, and German umlauts
 * matched both ways ("Lübeck" is found by "lubeck", "luebeck" and "lübeck"; "Straße" by "strasse"). Every word of the
 * query must occur in the name; names that start with the query rank first. Built once per timetable.
 */
public final class StopSearch {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final Timetable tt;
    /** Per stop: the name with umlauts as plain vowels, and with umlauts spelled out (ä -> ae). */
    private final String[] plain;
    private final String[] spelled;

    public StopSearch(Timetable tt) {
        this.tt = tt;
        int n = tt.stopIds.length;
        plain = new String[n];
        spelled = new String[n];
        for (int s = 0; s < n; s++) {
            plain[s] = " " + fold(tt.stopNames[s], false);
            spelled[s] = " " + fold(tt.stopNames[s], true);
        }
    }

    /** Folds text for comparison; {@code spellOut} writes ä, ö, ü as ae, oe, ue. ß is always ss. */
    public static String fold(String text, boolean spellOut) {
        String s = text.toLowerCase(Locale.GERMAN).replace("ß", "ss").replace("ẞ", "ss");
        if (spellOut) {
            s = s.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue");
        }
        s = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
        return NON_WORD.matcher(s).replaceAll(" ").trim();
    }

    /** Stops (and stations) whose name matches every word of {@code query}; stations first, best first. */
    public List<Integer> byName(String query, int limit) {
        String[] words = fold(query, false).split(" ");
        String[] wordsSpelled = fold(query, true).split(" ");
        List<int[]> hits = new ArrayList<>(); // {stop, rank}
        for (int s = 0; s < plain.length; s++) {
            if (tt.stopLocationType[s] > 1) {
                continue;
            }
            if (tt.stopLocationType[s] == 0 && tt.stopParent[s] >= 0) {
                continue; // a platform: its station stands for it
            }
            int rank = match(plain[s], words);
            if (rank < 0) {
                rank = match(spelled[s], wordsSpelled);
            }
            if (rank < 0) {
                rank = match(spelled[s], words);
            }
            if (rank >= 0) {
                hits.add(new int[] {s, rank});
            }
        }
        hits.sort(Comparator.<int[]>comparingInt(h -> h[1]).thenComparingInt(h -> tt.stopNames[h[0]].length())
            .thenComparing(h -> tt.stopNames[h[0]]));
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < hits.size() && out.size() < limit; i++) {
            out.add(hits.get(i)[0]);
        }
        return out;
    }

    /** -1 if a word is missing; 0 if the name starts with the first word, 1 if a word starts with it, else 2. */
    private static int match(String name, String[] words) {
        for (String w : words) {
            if (!w.isEmpty() && !name.contains(w)) {
                return -1;
            }
        }
        if (words.length == 0 || words[0].isEmpty()) {
            return 2;
        }
        if (name.startsWith(" " + words[0])) {
            return 0;
        }
        return name.contains(" " + words[0]) ? 1 : 2;
    }

    /** Stops within {@code radiusMeters} of a point, nearest first; platforms of one station count once. */
    public List<double[]> nearest(double lat, double lon, double radiusMeters, int limit) {
        List<double[]> hits = new ArrayList<>(); // {stop, meters}
        double cos = Math.cos(Math.toRadians(lat));
        for (int s = 0; s < tt.stopIds.length; s++) {
            if (tt.stopLocationType[s] > 1 || (tt.stopLocationType[s] == 0 && tt.stopParent[s] >= 0)) {
                continue;
            }
            double m = meters(lat, lon, tt.stopLat[s], tt.stopLon[s], cos);
            if (m <= radiusMeters) {
                hits.add(new double[] {s, m});
            }
        }
        hits.sort(Comparator.comparingDouble(h -> h[1]));
        return hits.size() > limit ? new ArrayList<>(hits.subList(0, limit)) : hits;
    }

    /** Distance in meters, equirectangular: exact enough within a city, and cheap. */
    static double meters(double lat1, double lon1, double lat2, double lon2, double cosLat) {
        double x = Math.toRadians(lon2 - lon1) * cosLat;
        double y = Math.toRadians(lat2 - lat1);
        return Math.sqrt(x * x + y * y) * 6_371_000;
    }
}
