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
    /**
     * Per slot, the box around its locations (NaN without one), in primitive arrays beside the slots: a radius query
     * tests 20,000 boxes in these arrays without touching a service object, which costs cache misses (the scan over
     * the objects was most of a "within 2 km" query's time).
     */
    /** Slots by topic term, language, access feature, and the free ones: the filters read bits, not services. */
    private final Map<String, java.util.BitSet> byTerm = new HashMap<>();
    private final Map<String, java.util.BitSet> byLanguage = new HashMap<>();
    private final Map<String, java.util.BitSet> byAccess = new HashMap<>();
    private final java.util.BitSet freeSlots = new java.util.BitSet();
    private double[] pointLat = new double[0];
    private double[] pointLon = new double[0];
    private double[] minLat = new double[0];
    private double[] maxLat = new double[0];
    private double[] minLon = new double[0];
    private double[] maxLon = new double[0];

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
            box(slot, s);
            s.termIds().forEach(t -> byTerm.computeIfAbsent(t, k -> new java.util.BitSet()).set(slot));
            s.languages().forEach(l -> byLanguage.computeIfAbsent(l, k -> new java.util.BitSet()).set(slot));
            s.access().forEach(a -> byAccess.computeIfAbsent(a, k -> new java.util.BitSet()).set(slot));
            freeSlots.set(slot, s.free());
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

    private void box(int slot, IndexedService s) {
        if (slot >= minLat.length) {
            int size = Math.max(1024, minLat.length * 2);
            pointLat = grow(pointLat, size);
            pointLon = grow(pointLon, size);
            minLat = grow(minLat, size);
            maxLat = grow(maxLat, size);
            minLon = grow(minLon, size);
            maxLon = grow(maxLon, size);
        }
        double a = Double.NaN;
        double b = Double.NaN;
        double c = Double.NaN;
        double d = Double.NaN;
        for (int i = 0; i < s.lats().length; i++) {
            double lat = s.lats()[i];
            double lon = s.lons()[i];
            a = Double.isNaN(a) ? lat : Math.min(a, lat);
            b = Double.isNaN(b) ? lat : Math.max(b, lat);
            c = Double.isNaN(c) ? lon : Math.min(c, lon);
            d = Double.isNaN(d) ? lon : Math.max(d, lon);
        }
        // the one location most services have, for the distance without touching the service
        pointLat[slot] = s.lats().length == 1 ? s.lats()[0] : Double.NaN;
        pointLon[slot] = s.lats().length == 1 ? s.lons()[0] : Double.NaN;
        minLat[slot] = a;
        maxLat[slot] = b;
        minLon[slot] = c;
        maxLon[slot] = d;
    }

    private static double[] grow(double[] a, int size) {
        double[] out = Arrays.copyOf(a, size);
        Arrays.fill(out, a.length, size, Double.NaN);
        return out;
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
        for (Map<String, java.util.BitSet> m : List.of(byTerm, byLanguage, byAccess)) {
            m.values().forEach(b -> b.clear(slot));
        }
        freeSlots.clear(slot);
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
        // hits as primitives (slot, score, distance): a query near the centre matches most of the city, and one
        // object per match plus comparator calls per heap step was most of its time
        int[] hitSlot = new int[n];
        double[] hitScore = new double[n];
        double[] hitKm = new double[n];
        int total = 0;
        OpeningHours.Moment moment = q.openAt() == null ? null : new OpeningHours.Moment(q.openAt());
        OpenAt open = q.openAt() == null ? null : openAt(q.openAt(), n);
        // a box around the circle: most services are ruled out without trigonometry
        double dLat = q.radiusKm() == null ? 0 : q.radiusKm() / 110.5;
        double dLon = q.radiusKm() == null || q.lat() == null ? 0
            : q.radiusKm() / (111.3 * Math.max(0.01, Math.cos(Math.toRadians(q.lat()))));
        java.util.BitSet allowed = allowed(q);
        boolean radius = q.radiusKm() != null && q.lat() != null && q.lon() != null;
        double cosLat = q.lat() == null ? 1 : Math.cos(Math.toRadians(q.lat()));
        double qMinLat = radius ? q.lat() - dLat : 0;
        double qMaxLat = radius ? q.lat() + dLat : 0;
        double qMinLon = radius ? q.lon() - dLon : 0;
        double qMaxLon = radius ? q.lon() + dLon : 0;
        for (int i = 0; i < n; i++) {
            // the bits and boxes first: NaN (no location) fails these comparisons too
            if (!candidate[i] || allowed != null && !allowed.get(i) || radius && !(minLat[i] <= qMaxLat && maxLat[i] >= qMinLat && minLon[i] <= qMaxLon
                && maxLon[i] >= qMinLon)) {
                continue;
            }
            IndexedService s = slots.get(i);
            if (s == null) {
                continue;
            }
            // distance from the primitive arrays first: a service object is only read when a filter needs it
            double km = Double.NaN;
            double sc = score[i];
            if (q.lat() != null && q.lon() != null) {
                if (Double.isNaN(pointLat[i])) {
                    km = s.approxKm(q.lat(), q.lon(), cosLat);
                } else {
                    double y = pointLat[i] - q.lat();
                    double x = (pointLon[i] - q.lon()) * cosLat;
                    km = 111.195 * Math.sqrt(x * x + y * y);
                }
                if (q.radiusKm() != null && (Double.isNaN(km) || km > q.radiusKm())) {
                    continue;
                }
                if (!Double.isNaN(km)) {
                    sc += 1.0 / (1.0 + km);
                }
            }
            if (open != null && !open.isOpen(i, s, moment)) {
                continue;
            }
            hitSlot[total] = i;
            hitScore[total] = sc;
            hitKm[total] = km;
            total++;
        }
        int from = (int) Math.min(total, (q.page() - 1L) * q.perPage());
        int to = (int) Math.min(total, (long) from + q.perPage());
        int[] order = best(hitScore, hitKm, total, to);
        List<Hit> ranked = new ArrayList<>(to);
        for (int r = 0; r < to; r++) {
            int h = order[r];
            ranked.add(new Hit(slots.get(hitSlot[h]), hitScore[h], hitKm[h], null));
        }
        // equal score and distance: by name, as before (rare; only within the page's cut it could matter)
        ranked.sort(RANK);
        List<Hit> page = new ArrayList<>();
        for (Hit h : ranked.subList(from, to)) {
            double km = Double.isNaN(h.distanceKm()) ? Double.NaN : h.service().distanceKm(q.lat(), q.lon());
            Hit exact = new Hit(h.service(), h.score(), km, null);
            page.add(new Hit(h.service(), h.score(), km, reason(exact, q, queryStems)));
        }
        return new Result(page, total);
    }

    /**
     * Which slots are open at one instant, filled in as queries ask: every "open now" query of a minute asks the same
     * instant (the API truncates to the minute), and evaluating thousands of services' schedules per query was the
     * second cost of a radius query. Slots are never reused (a changed service gets a new slot), so an answer stays
     * right for its slot; the latest two instants are kept.
     */
    static final class OpenAt {
        final Instant instant;
        final byte[] state; // 0 not yet known, 1 open, 2 closed; a race only computes the same answer twice

        OpenAt(Instant instant, int slots) {
            this.instant = instant;
            this.state = new byte[slots];
        }

        boolean isOpen(int slot, IndexedService s, OpeningHours.Moment moment) {
            if (slot >= state.length) {
                return s.hours().isOpen(moment);
            }
            byte known = state[slot];
            if (known == 0) {
                known = s.hours().isOpen(moment) ? (byte) 1 : (byte) 2;
                state[slot] = known;
            }
            return known == 1;
        }
    }

    private volatile OpenAt latestOpen;
    private volatile OpenAt previousOpen;

    private OpenAt openAt(Instant t, int slots) {
        OpenAt a = latestOpen;
        if (a != null && a.instant.equals(t) && a.state.length >= slots) {
            return a;
        }
        OpenAt b = previousOpen;
        if (b != null && b.instant.equals(t) && b.state.length >= slots) {
            return b;
        }
        OpenAt fresh = new OpenAt(t, slots);
        previousOpen = a;
        latestOpen = fresh;
        return fresh;
    }

    private static final Comparator<Hit> RANK = Comparator.comparingDouble(Hit::score).reversed()
        .thenComparingDouble(h -> Double.isNaN(h.distanceKm()) ? Double.MAX_VALUE : h.distanceKm())
        .thenComparing(h -> h.service().name());

    /** True when hit a ranks after hit b: lower score, or the same score and farther (no distance last). */
    private static boolean after(double[] score, double[] km, int a, int b) {
        if (score[a] != score[b]) {
            return score[a] < score[b];
        }
        double ka = Double.isNaN(km[a]) ? Double.MAX_VALUE : km[a];
        double kb = Double.isNaN(km[b]) ? Double.MAX_VALUE : km[b];
        return ka > kb;
    }

    /**
     * The indexes of the best {@code k} of {@code m} hits, best first: a bounded binary heap over primitives (its root
     * the worst kept), so a hit that cannot make the page costs one comparison.
     */
    static int[] best(double[] score, double[] km, int m, int k) {
        int[] heap = new int[Math.max(1, k)];
        int size = 0;
        for (int h = 0; h < m && k > 0; h++) {
            if (size < k) {
                int c = size++;
                heap[c] = h;
                while (c > 0) {
                    int p = (c - 1) / 2;
                    if (!after(score, km, heap[c], heap[p])) {
                        break;
                    }
                    int t = heap[c];
                    heap[c] = heap[p];
                    heap[p] = t;
                    c = p;
                }
            } else if (after(score, km, heap[0], h)) {
                heap[0] = h;
                int c = 0;
                while (true) {
                    int l = 2 * c + 1;
                    int r = l + 1;
                    int w = c;
                    if (l < size && after(score, km, heap[l], heap[w])) {
                        w = l;
                    }
                    if (r < size && after(score, km, heap[r], heap[w])) {
                        w = r;
                    }
                    if (w == c) {
                        break;
                    }
                    int t = heap[c];
                    heap[c] = heap[w];
                    heap[w] = t;
                    c = w;
                }
            }
        }
        Integer[] boxed = new Integer[size];
        for (int i = 0; i < size; i++) {
            boxed[i] = heap[i];
        }
        Arrays.sort(boxed, (a, b) -> after(score, km, a, b) ? 1 : after(score, km, b, a) ? -1 : 0);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    /** The slots the topic, language, cost and access filters leave, or null when the query has none of them. */
    private java.util.BitSet allowed(Query q) {
        java.util.BitSet out = null;
        if (q.topicIds() != null && !q.topicIds().isEmpty()) {
            out = new java.util.BitSet();
            for (String t : q.topicIds()) {
                java.util.BitSet b = byTerm.get(t);
                if (b != null) {
                    out.or(b); // any of the topics
                }
            }
        }
        if (q.language() != null) {
            out = and(out, byLanguage.get(q.language()));
        }
        if (q.freeOnly()) {
            out = and(out, freeSlots);
        }
        if (q.access() != null) {
            for (String a : q.access()) {
                out = and(out, byAccess.get(a)); // all of the features
            }
        }
        return out;
    }

    private static java.util.BitSet and(java.util.BitSet sofar, java.util.BitSet b) {
        java.util.BitSet out = sofar == null ? (b == null ? new java.util.BitSet() : (java.util.BitSet) b.clone())
            : sofar;
        if (sofar != null) {
            if (b == null) {
                out.clear();
            } else {
                out.and(b);
            }
        }
        return out;
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
            parts.add(st.until() == null ? "open around the clock" : "open until " + st.until().format(DateTimeFormatter.ofPattern("HH:mm")));
        }
        if (!Double.isNaN(h.distanceKm())) {
            parts.add(String.format(Locale.ROOT, "%.1f km away", h.distanceKm()));
        }
        return parts.isEmpty() ? "listed" : String.join("; ", parts);
    }
}
