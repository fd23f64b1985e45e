package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which organisations' stored services carry each nested object (a location, its addresses, a phone, a schedule, a
 * contact, ... anything below a service that has an {@code id}): so that an organisation's edit can be refused when it
 * brings an object of another organisation, which would otherwise change that object as the directory shows and
 * exports it. Objects the whole directory shares by reference are not owned: the organisation (its own rule), taxonomy
 * terms and taxonomies, units.
 *
 * <p>Kept as an open-addressing table of (64-bit hash of the id, organisation) with a count of the services carrying
 * it: 16 bytes per entry, some 5 MB for the 20,000-service benchmark directory, where a map of id strings would take
 * 30 MB. Two ids with the same 64-bit hash (odds about 10^-9 for that directory) would only make an edit refused that
 * could have passed. Not thread-safe: the {@link Directory} changes and asks it under its own lock.
 */
final class NestedOwners {

    /** Fields whose objects are shared references, not owned by the service that names them. */
    private static final Set<String> SHARED = Set.of("organization", "taxonomy_term", "taxonomy_detail", "unit");

    private long[] hashes = new long[1024];
    private int[] orgs = new int[1024];
    private int[] counts = new int[1024]; // 0: free; -1: was used (a probe goes on past it); else services carrying it
    private int used;
    private int live;
    private final List<String> orgNames = new ArrayList<>();
    private final Map<String, Integer> orgIndex = new HashMap<>();

    /** An owned object below a service: its id, its kind (from the field that holds it) and its path there. */
    record Nested(String id, String kind, String path, ObjectNode object) {
    }

    /** Every owned object below {@code service}, in document order. */
    static List<Nested> nested(ObjectNode service) {
        List<Nested> out = new ArrayList<>();
        service.fields().forEachRemaining(e -> walk(e.getValue(), e.getKey(), e.getKey(), out));
        return out;
    }

    private static void walk(JsonNode n, String field, String path, List<Nested> out) {
        if (SHARED.contains(field)) {
            return;
        }
        if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                walk(a.get(i), field, path + "[" + i + "]", out);
            }
        } else if (n instanceof ObjectNode o) {
            String id = Json.str(o, "id");
            if (id != null) {
                out.add(new Nested(id, DataSets.singular(field), path, o));
            }
            o.fields().forEachRemaining(e -> walk(e.getValue(), e.getKey(), path + "." + e.getKey(), out));
        }
    }

    /** Counts the objects below a stored service of {@code org}. */
    void add(ObjectNode service, String org) {
        int o = orgIndex.computeIfAbsent(org, k -> {
            orgNames.add(k);
            return orgNames.size() - 1;
        });
        for (Nested n : nested(service)) {
            add(hash(n.id()), o);
        }
    }

    /** Forgets the objects below a stored service of {@code org} (one that {@link #add} counted). */
    void remove(ObjectNode service, String org) {
        Integer o = orgIndex.get(org);
        if (o == null) {
            return;
        }
        for (Nested n : nested(service)) {
            long h = hash(n.id());
            for (int i = slot(h); counts[i] != 0; i = (i + 1) & (counts.length - 1)) {
                if (counts[i] > 0 && hashes[i] == h && orgs[i] == o) {
                    if (--counts[i] == 0) {
                        counts[i] = -1;
                        live--;
                    }
                    break;
                }
            }
        }
    }

    /** The organisations whose stored services carry an object with this id. */
    Set<String> organizations(String id) {
        long h = hash(id);
        Set<String> out = new LinkedHashSet<>();
        for (int i = slot(h); counts[i] != 0; i = (i + 1) & (counts.length - 1)) {
            if (counts[i] > 0 && hashes[i] == h) {
                out.add(orgNames.get(orgs[i]));
            }
        }
        return out;
    }

    private void add(long h, int o) {
        int free = -1;
        int i = slot(h);
        for (; counts[i] != 0; i = (i + 1) & (counts.length - 1)) {
            if (counts[i] > 0 && hashes[i] == h && orgs[i] == o) {
                counts[i]++;
                return;
            }
            if (counts[i] < 0 && free < 0) {
                free = i;
            }
        }
        if (free < 0) {
            free = i;
            used++;
        }
        hashes[free] = h;
        orgs[free] = o;
        counts[free] = 1;
        live++;
        if (used * 10L > counts.length * 6L) {
            rehash();
        }
    }

    /** Doubles the table when live entries fill it, else rebuilds it in place of its deleted slots. */
    private void rehash() {
        long[] h = hashes;
        int[] o = orgs;
        int[] c = counts;
        int size = live * 10L > c.length * 4L ? c.length * 2 : c.length;
        hashes = new long[size];
        orgs = new int[size];
        counts = new int[size];
        used = 0;
        live = 0;
        for (int i = 0; i < c.length; i++) {
            if (c[i] > 0) {
                int k = slot(h[i]);
                while (counts[k] != 0) {
                    k = (k + 1) & (size - 1);
                }
                hashes[k] = h[i];
                orgs[k] = o[i];
                counts[k] = c[i];
                used++;
                live++;
            }
        }
    }

    private int slot(long h) {
        return (int) ((h * 0x9E3779B97F4A7C15L) >>> 32) & (counts.length - 1);
    }

    /** FNV-1a over the id's characters, 64 bits. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
