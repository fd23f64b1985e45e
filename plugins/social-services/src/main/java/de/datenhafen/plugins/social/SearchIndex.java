package de.datenhafen.plugins.social;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The citizens' search over stored services, in memory: an inverted index per field (name, topic, description)
 * from folded words to sorted slot numbers, and the filters evaluated on {@link IndexedService}s.
 *
 * <p>Matching a query word: its stem equals a word's stem (inflection: "Schulden" ~ "Schuld"); or it begins a longer
 * word (compound modifier: "schuld" begins "schuldnerberatung"); or, from five letters on, it ends or sits inside one
 * (compound head: "beratung" in "migrationsberatung"). Every query word must match somewhere (AND). Scores weigh the
 * field (name 3, topic 2, description 1) and the kind of match (same stem 1, begins 0.7, inside 0.5); a point given
 * adds closeness. Many readers, one writer at a time.
 */
final class SearchIndex {

    static final String[] FIELDS = {"name", "topic", "description"};
    private static final double[] FIELD_WEIGHT = {3, 2, 1};

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<IndexedService> slots = new ArrayList<>();
    private final Map<String, Integer> slotOf = new HashMap<>();
    @SuppressWarnings("unchecked")
    private final Map<String, Postings>[] postings = new Map[] {new HashMap<>(), new HashMap<>(), new HashMap<>()};
    private final Map<String, String> stems = new HashMap<>();
    private final Map<String, IndexedService.Term> terms;

    SearchIndex(Map<String, IndexedService.Term> terms) {
        this.terms = terms;
    }

    /** A citizen's question. Null fields do not filter. */
    record Query(String text, Set<String> topicIds, String language, boolean freeOnly, Set<String> access,
                 Double lat, Double lon, Double radiusKm, Instant openAt, int page, int perPage) {
    }

    /** One answer: the service, its score, its distance (NaN if no point) and why it matched. */
    record Hit(IndexedService service, double score, double distanceKm, String reason) {
    }

    record Result(List<Hit> hits, int total) {
    }

    int size() {
        lock.readLock().lock();
        try {
            return slotOf.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    IndexedService get(String id) {
        lock.readLock().lock();
        try {
            Integer slot = slotOf.get(id);
            return slot == null ? null : slots.get(slot);
        } finally {
            lock.readLock().unlock();
        }
    }

    void put(IndexedService s) {
        lock.writeLock().lock();
        try {
            removeLocked(s.id());
            int slot = slots.size();
            slots.add(s);
            slotOf.put(s.id(), slot);
            List<List<String>> fields = List.of(s.nameWords(), s.topicWords(), s.descriptionWords());
            for (int f = 0; f < 3; f++) {
                for (String w : new java.util.LinkedHashSet<>(fields.get(f))) {
                    stems.computeIfAbsent(w, GermanText::stem);
                    postings[f].computeIfAbsent(w, k -> new Postings()).add(slot);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    void remove(String id) {
        lock.writeLock().lock();
        try {
            removeLocked(id);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void removeLocked(String id) {
        Integer slot = slotOf.remove(id);
        if (slot == null) {
            return;
        }
        IndexedService s = slots.get(slot);
        slots.set(slot, null);
        List<List<String>> fields = List.of(s.nameWords(), s.topicWords(), s.descriptionWords());
        for (int f = 0; f < 3; f++) {
            for (String w : new java.util.LinkedHashSet<>(fields.get(f))) {
                Postings p = postings[f].get(w);
                if (p != null && p.remove(slot) && p.size == 0) {
                    postings[f].remove(w);
                }
            }
        }
    }

    /** The slots of one word, ascending (slots only grow, so adding appends). */
    static final class Postings {
        int[] slots = new int[4];
        int size;

        void add(int slot) {
            if (size == slots.length) {
                slots = Arrays.copyOf(slots, size * 2);
            }
            slots[size++] = slot;
        }

        boolean remove(int slot) {
            int i = Arrays.binarySearch(slots, 0, size, slot);
            if (i < 0) {
                return false;
            }
            System.arraycopy(slots, i + 1, slots, i, size - i - 1);
            size--;
            return true;
        }
    }

    /** How a query word met an indexed word. */
    record Match(int field, String word, double weight, String kind) {
    }

    Result search(Query q) {
        lock.readLock().lock();
        try {
            return searchLocked(q);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Result searchLocked(Query q) {
        int n = slots.size();
        List<String> queryStems = new ArrayList<>();
        for (String w : GermanText.words(q.text() == null ? "" : q.text())) {
            queryStems.add(GermanText.stem(w));
        }
        double[] score = new double[n];
        boolean[] candidate = new boolean[n];
        if (queryStems.isEmpty()) {
            Arrays.fill(candidate, true);
            Arrays.fill(score, 1.0);
        } else {
            boolean first = true;
            for (String qs : queryStems) {
                double[] best = new double[n];
                for (int f = 0; f < 3; f++) {
                    for (Map.Entry<String, Postings> e : postings[f].entrySet()) {
                        double w = matchWeight(qs, e.getKey());
                        if (w > 0) {
                            double sw = w * FIELD_WEIGHT[f];
                            Postings p = e.getValue();
                            for (int k = 0; k < p.size; k++) {
                                int slot = p.slots[k];
                                if (sw > best[slot]) {
                                    best[slot] = sw;
                                }
                            }
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (first) {
                        candidate[i] = best[i] > 0;
                    } else {
                        candidate[i] &= best[i] > 0;
                    }
                    score[i] += best[i];
                }
                first = false;
            }
        }
        List<Hit> hits = new ArrayList<>();
        OpeningHours.Moment moment = q.openAt() == null ? null : new OpeningHours.Moment(q.openAt());
        // a box around the circle: most services are ruled out without trigonometry
        double dLat = q.radiusKm() == null ? 0 : q.radiusKm() / 110.5;
        double dLon = q.radiusKm() == null || q.lat() == null ? 0
            : q.radiusKm() / (111.3 * Math.max(0.01, Math.cos(Math.toRadians(q.lat()))));
        for (int i = 0; i < n; i++) {
            IndexedService s = slots.get(i);
            if (!candidate[i] || s == null) {
                continue;
            }
            if (q.topicIds() != null && !q.topicIds().isEmpty() && !anyOf(q.topicIds(), s.termIds())) {
                continue;
            }
            if (q.language() != null && !s.languages().contains(q.language())) {
                continue;
            }
            if (q.freeOnly() && !s.free()) {
                continue;
            }
            if (q.access() != null && !s.access().containsAll(q.access())) {
                continue;
            }
            double km = Double.NaN;
            double sc = score[i];
            if (q.lat() != null && q.lon() != null) {
                if (q.radiusKm() != null && !inBox(s, q.lat(), q.lon(), dLat, dLon)) {
                    continue;
                }
                km = s.distanceKm(q.lat(), q.lon());
                if (q.radiusKm() != null && (Double.isNaN(km) || km > q.radiusKm())) {
                    continue;
                }
                if (!Double.isNaN(km)) {
                    sc += 1.0 / (1.0 + km);
                }
            }
            if (moment != null && !s.hours().isOpen(moment)) {
                continue;
            }
            hits.add(new Hit(s, sc, km, null));
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed()
            .thenComparingDouble(h -> Double.isNaN(h.distanceKm()) ? Double.MAX_VALUE : h.distanceKm())
            .thenComparing(h -> h.service().name()));
        int from = Math.min(hits.size(), (q.page() - 1) * q.perPage());
        int to = Math.min(hits.size(), from + q.perPage());
        List<Hit> page = new ArrayList<>();
        for (Hit h : hits.subList(from, to)) {
            page.add(new Hit(h.service(), h.score(), h.distanceKm(), reason(h, q, queryStems)));
        }
        return new Result(page, hits.size());
    }

    private static boolean anyOf(Set<String> wanted, Set<String> have) {
        for (String w : wanted) {
            if (have.contains(w)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inBox(IndexedService s, double lat, double lon, double dLat, double dLon) {
        for (int i = 0; i < s.lats().length; i++) {
            if (Math.abs(s.lats()[i] - lat) <= dLat && Math.abs(s.lons()[i] - lon) <= dLon) {
                return true;
            }
        }
        return false;
    }

    /** 1 for the same stem, 0.7 when the query stem begins the word, 0.5 when it ends or sits inside it. */
    double matchWeight(String queryStem, String word) {
        String ws = stems.getOrDefault(word, word);
        if (ws.equals(queryStem) || word.equals(queryStem)) {
            return 1.0;
        }
        int ql = queryStem.length();
        if (ql >= 4 && word.length() > ql && word.startsWith(queryStem)) {
            return 0.7;
        }
        if (ql >= 5 && word.length() >= ql + 3) {
            int at = word.indexOf(queryStem, 3);
            if (at >= 3) {
                return 0.5;
            }
        }
        return 0;
    }

    private String reason(Hit h, Query q, List<String> queryStems) {
        IndexedService s = h.service();
        List<String> parts = new ArrayList<>();
        List<List<String>> fields = List.of(s.nameWords(), s.topicWords(), s.descriptionWords());
        for (String qs : queryStems) {
            Match best = null;
            for (int f = 0; f < 3; f++) {
                for (String w : fields.get(f)) {
                    double mw = matchWeight(qs, w);
                    double m = mw * FIELD_WEIGHT[f];
                    if (m > 0 && (best == null || m > best.weight())) {
                        String kind = mw == 1.0 ? "word" : mw == 0.7 ? "beginning of the word" : "part of the word";
                        best = new Match(f, w, m, kind);
                    }
                }
            }
            if (best != null) {
                parts.add("'" + qs + "' in " + FIELDS[best.field()] + " (" + best.kind() + " '" + best.word() + "')");
            }
        }
        if (q.topicIds() != null && !q.topicIds().isEmpty()) {
            for (String t : q.topicIds()) {
                if (s.termIds().contains(t) && terms.get(t) != null) {
                    parts.add("topic " + terms.get(t).nameDe() + " / " + terms.get(t).nameEn());
                }
            }
        }
        if (q.language() != null) {
            parts.add("offered in '" + q.language() + "'");
        }
        if (q.freeOnly()) {
            parts.add("free of charge");
        }
        if (q.access() != null && !q.access().isEmpty()) {
            parts.add("access: " + String.join(", ", q.access()));
        }
        if (q.openAt() != null) {
            OpeningHours.State st = s.hours().state(q.openAt());
            parts.add(st.until() == null ? "open" : "open until " + st.until().format(DateTimeFormatter.ofPattern("HH:mm")));
        }
        if (!Double.isNaN(h.distanceKm())) {
            parts.add(String.format(Locale.ROOT, "%.1f km away", h.distanceKm()));
        }
        return parts.isEmpty() ? "listed" : String.join("; ", parts);
    }
}
