package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the search needs of one stored service, taken out of its HSDS document once when it is stored: words per
 * field, topic term ids, language codes, cost, access features, coordinates and compiled opening hours; and the ids
 * of its service_at_locations, so that the API finds one without reading every stored document.
 */
record IndexedService(String id, String organizationId, String name, Instant modified, List<String> nameWords,
                      List<String> topicWords, List<String> descriptionWords, Set<String> termIds,
                      Set<String> languages, boolean free, Set<String> access, double[] lats, double[] lons,
                      OpeningHours hours, List<String> serviceAtLocationIds) {

    /** A term as the index sees it: its code and both names. */
    record Term(String code, String nameDe, String nameEn) {
    }

    static IndexedService of(ObjectNode s, String organizationId, Instant modified, Map<String, Term> terms,
                             ZoneId zone) {
        String name = Json.str(s, "name");
        List<String> nameWords = GermanText.words(name + " " + nullToEmpty(Json.str(s, "alternate_name")));
        List<String> desc = GermanText.words(nullToEmpty(Json.str(s, "description")) + " "
            + nullToEmpty(Json.str(s, "eligibility_description")));
        Set<String> termIds = new LinkedHashSet<>();
        Set<String> access = new LinkedHashSet<>();
        Set<String> languages = new LinkedHashSet<>();
        List<ObjectNode> schedules = new ArrayList<>(Json.objects(s, "schedules"));
        List<ObjectNode> locationSchedules = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        List<String> salIds = new ArrayList<>();
        attributes(s, termIds);
        languages(s, languages);
        for (ObjectNode sal : Json.objects(s, "service_at_locations")) {
            if (Json.str(sal, "id") != null) {
                salIds.add(Json.str(sal, "id"));
            }
            attributes(sal, termIds);
            schedules.addAll(Json.objects(sal, "schedules"));
            JsonNode loc = sal.get("location");
            if (loc instanceof ObjectNode l) {
                Set<String> locTerms = new LinkedHashSet<>();
                attributes(l, locTerms);
                for (String t : locTerms) {
                    Term term = terms.get(t);
                    if (term != null && isAccess(term.code())) {
                        access.add(term.code());
                    } else {
                        termIds.add(t);
                    }
                }
                languages(l, languages);
                locationSchedules.addAll(Json.objects(l, "schedules"));
                if (l.hasNonNull("latitude") && l.hasNonNull("longitude")) {
                    points.add(new double[] {l.get("latitude").asDouble(), l.get("longitude").asDouble()});
                }
            }
        }
        for (String t : List.copyOf(termIds)) {
            Term term = terms.get(t);
            if (term != null && isAccess(term.code())) {
                access.add(term.code());
            }
        }
        List<String> topicWords = new ArrayList<>();
        for (String t : termIds) {
            Term term = terms.get(t);
            if (term != null) {
                topicWords.addAll(GermanText.words(term.nameDe() + " " + term.nameEn()));
            }
        }
        boolean free = false;
        for (ObjectNode c : Json.objects(s, "cost_options")) {
            if (c.hasNonNull("amount") && c.get("amount").asDouble() == 0.0) {
                free = true;
            }
        }
        double[] lats = new double[points.size()];
        double[] lons = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            lats[i] = points.get(i)[0];
            lons[i] = points.get(i)[1];
        }
        if (schedules.stream().noneMatch(x -> x.hasNonNull("opens_at"))) {
            schedules.addAll(locationSchedules);
        }
        return new IndexedService(Json.str(s, "id"), organizationId, name, modified, List.copyOf(nameWords),
            List.copyOf(topicWords), List.copyOf(desc), Set.copyOf(termIds), Set.copyOf(languages), free,
            Set.copyOf(access), lats, lons, OpeningHours.compile(schedules, zone), List.copyOf(salIds));
    }

    static boolean isAccess(String code) {
        return code.equals("step-free") || code.equals("accessible-toilet") || code.equals("hearing-loop");
    }

    private static void attributes(JsonNode n, Set<String> into) {
        for (ObjectNode a : Json.objects(n, "attributes")) {
            String t = Json.str(a, "taxonomy_term_id");
            if (t == null && a.get("taxonomy_term") != null) {
                t = Json.str(a.get("taxonomy_term"), "id");
            }
            if (t != null && !t.equals(CityTaxonomy.CLOSED_ID)) {
                into.add(t);
            }
        }
    }

    private static void languages(JsonNode n, Set<String> into) {
        for (ObjectNode l : Json.objects(n, "languages")) {
            String code = Json.str(l, "code");
            if (code != null) {
                into.add(code.toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Distance in km from a point to the nearest location, or NaN without locations. */
    double distanceKm(double lat, double lon) {
        double best = Double.NaN;
        for (int i = 0; i < lats.length; i++) {
            double d = haversine(lat, lon, lats[i], lons[i]);
            if (Double.isNaN(best) || d < best) {
                best = d;
            }
        }
        return best;
    }

    /**
     * The distance as a flat map sees it (equirectangular, with the query's cos(latitude) given): within a city less
     * than 0.1 % from {@link #haversine}, and without trigonometry per location, so a radius query can afford it for
     * thousands of services; the page's hits get the exact distance.
     */
    double approxKm(double lat, double lon, double cosLat) {
        double best = Double.NaN;
        for (int i = 0; i < lats.length; i++) {
            double y = lats[i] - lat;
            double x = (lons[i] - lon) * cosLat;
            double d = 111.195 * Math.sqrt(x * x + y * y);
            if (Double.isNaN(best) || d < best) {
                best = d;
            }
        }
        return best;
    }

    static double haversine(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(Math.toRadians(lat1))
            * Math.cos(Math.toRadians(lat2)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 6371.0 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
    }
}
