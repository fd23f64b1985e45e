package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a valid HSDS 3.1 object is, per object kind: the required fields, enumerations, formats and nested objects of
 * the HSDS JSON Schemas (openreferral/specification, schema/*.json of 3.1), written out by hand instead of vendoring
 * the schema files; plus the schedule rules the schemas only say in prose (RRULE parts, HH:MM times, from before to).
 *
 * <p>Why by hand: the schema files are not copied into this repository, and a JSON Schema validator would pull in a
 * Jackson YAML module the hub does not share with plugins. The rules below list the same constraints; a test per
 * kind keeps them honest. Fields the schemas declare but this directory does not read are passed through unchecked
 * apart from their JSON type.
 */
final class HsdsRules {

    enum Format { UUID, EMAIL, URI, DATE, TIME, NUMBER, CURRENCY, BYDAY, INTLIST }

    /** One object kind: required fields, formats, enums, nested kinds (array or single). */
    record Kind(String name, List<String> required, Map<String, Format> formats, Map<String, Set<String>> enums,
                Map<String, String> arrays, Map<String, String> singles) {
    }

    private static final Set<String> DAYS = Set.of("MO", "TU", "WE", "TH", "FR", "SA", "SU");
    private static final Pattern EMAIL_RE = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern URI_RE = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:[^\\s]+");
    private static final Pattern TIME_RE = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?(Z|[+-]\\d\\d:?\\d\\d)?");
    private static final Pattern BYDAY_RE = Pattern.compile("([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)");
    private static final Pattern INT_RE = Pattern.compile("[+-]?\\d{1,3}");
    private static final Pattern CURRENCY_RE = Pattern.compile("[A-Z]{3}");

    static final Map<String, Kind> KINDS = Map.ofEntries(
        kind("organization", List.of("id", "name", "description"),
            Map.of("id", Format.UUID, "email", Format.EMAIL, "website", Format.URI, "logo", Format.URI,
                "uri", Format.URI, "year_incorporated", Format.NUMBER, "parent_organization_id", Format.UUID),
            Map.of(), Map.of("phones", "phone", "attributes", "attribute"), Map.of()),
        kind("service", List.of("id", "name", "status"),
            Map.of("id", Format.UUID, "organization_id", Format.UUID, "url", Format.URI, "email", Format.EMAIL,
                "minimum_age", Format.NUMBER, "maximum_age", Format.NUMBER, "assured_date", Format.DATE,
                "assurer_email", Format.EMAIL),
            Map.of("status", Set.of("active", "inactive", "defunct", "temporarily closed")),
            Map.of("phones", "phone", "schedules", "schedule", "service_at_locations", "service_at_location",
                "languages", "language", "cost_options", "cost_option", "attributes", "attribute"),
            Map.of("organization", "organization")),
        kind("service_at_location", List.of("id"),
            Map.of("id", Format.UUID, "service_id", Format.UUID, "location_id", Format.UUID), Map.of(),
            Map.of("schedules", "schedule", "phones", "phone", "attributes", "attribute"),
            Map.of("location", "location")),
        kind("location", List.of("id", "location_type"),
            Map.of("id", Format.UUID, "organization_id", Format.UUID, "url", Format.URI,
                "latitude", Format.NUMBER, "longitude", Format.NUMBER),
            Map.of("location_type", Set.of("physical", "postal", "virtual")),
            Map.of("addresses", "address", "phones", "phone", "schedules", "schedule", "accessibility",
                "accessibility", "languages", "language", "attributes", "attribute"), Map.of()),
        kind("address", List.of("id", "address_1", "city", "state_province", "postal_code", "country",
                "address_type"),
            Map.of("id", Format.UUID, "location_id", Format.UUID),
            Map.of("address_type", Set.of("physical", "postal", "virtual")), Map.of(), Map.of()),
        kind("phone", List.of("id", "number"),
            Map.of("id", Format.UUID, "extension", Format.NUMBER), Map.of(), Map.of("languages", "language"),
            Map.of()),
        kind("schedule", List.of("id"),
            Map.ofEntries(Map.entry("id", Format.UUID), Map.entry("service_id", Format.UUID),
                Map.entry("location_id", Format.UUID), Map.entry("service_at_location_id", Format.UUID),
                Map.entry("valid_from", Format.DATE), Map.entry("valid_to", Format.DATE),
                Map.entry("dtstart", Format.DATE), Map.entry("until", Format.DATE),
                Map.entry("timezone", Format.NUMBER), Map.entry("count", Format.NUMBER),
                Map.entry("interval", Format.NUMBER), Map.entry("opens_at", Format.TIME),
                Map.entry("closes_at", Format.TIME), Map.entry("byday", Format.BYDAY),
                Map.entry("bymonthday", Format.INTLIST), Map.entry("byweekno", Format.INTLIST),
                Map.entry("byyearday", Format.INTLIST), Map.entry("schedule_link", Format.URI)),
            Map.of("freq", Set.of("WEEKLY", "MONTHLY"), "wkst", DAYS), Map.of("attributes", "attribute"), Map.of()),
        kind("language", List.of("id"), Map.of("id", Format.UUID), Map.of(), Map.of(), Map.of()),
        kind("cost_option", List.of("id"),
            Map.of("id", Format.UUID, "amount", Format.NUMBER, "currency", Format.CURRENCY,
                "valid_from", Format.DATE, "valid_to", Format.DATE), Map.of(), Map.of(), Map.of()),
        kind("accessibility", List.of("id"), Map.of("id", Format.UUID, "url", Format.URI), Map.of(), Map.of(),
            Map.of()),
        kind("attribute", List.of("id", "taxonomy_term_id"),
            Map.of("id", Format.UUID, "taxonomy_term_id", Format.UUID, "link_id", Format.UUID), Map.of(), Map.of(),
            Map.of("taxonomy_term", "taxonomy_term")),
        kind("taxonomy", List.of("id", "name", "description"),
            Map.of("id", Format.UUID, "uri", Format.URI), Map.of(), Map.of(), Map.of()),
        kind("taxonomy_term", List.of("id", "name", "description"),
            Map.of("id", Format.UUID, "parent_id", Format.UUID, "taxonomy_id", Format.UUID, "term_uri", Format.URI),
            Map.of(), Map.of(), Map.of("taxonomy_detail", "taxonomy")));

    private HsdsRules() {
    }

    private static Map.Entry<String, Kind> kind(String name, List<String> required, Map<String, Format> formats,
                                                Map<String, Set<String>> enums, Map<String, String> arrays,
                                                Map<String, String> singles) {
        return Map.entry(name, new Kind(name, required, formats, enums, arrays, singles));
    }

    /** Every problem of this object and the objects nested in it. */
    static List<Problem> check(String kind, JsonNode node) {
        List<Problem> out = new ArrayList<>();
        check(kind, node, out);
        return out;
    }

    static void check(String kindName, JsonNode node, List<Problem> out) {
        Kind kind = KINDS.get(kindName);
        if (kind == null) {
            throw new IllegalArgumentException("no HSDS kind " + kindName);
        }
        if (!(node instanceof ObjectNode o)) {
            out.add(new Problem(kindName, null, "", "must be a JSON object"));
            return;
        }
        String id = Json.str(o, "id");
        for (String field : kind.required()) {
            if (Json.str(o, field) == null && !(o.hasNonNull(field) && o.get(field).isNumber())) {
                out.add(new Problem(kindName, id, field, "is required"));
            }
        }
        kind.formats().forEach((field, format) -> {
            JsonNode v = o.get(field);
            if (v != null && !v.isNull() && !(v.isTextual() && v.asText().isEmpty())) {
                String error = format(format, v);
                if (error != null) {
                    out.add(new Problem(kindName, id, field, error));
                }
            }
        });
        kind.enums().forEach((field, allowed) -> {
            String v = Json.str(o, field);
            if (v != null && !allowed.contains(v)) {
                out.add(new Problem(kindName, id, field, "must be one of " + String.join(", ", new java.util.TreeSet<>(allowed))
                    + "; was '" + v + "'"));
            }
        });
        kind.arrays().forEach((field, child) -> {
            JsonNode v = o.get(field);
            if (v != null && !v.isNull()) {
                if (!v.isArray()) {
                    out.add(new Problem(kindName, id, field, "must be an array of " + child + " objects"));
                } else {
                    v.forEach(c -> check(child, c, out));
                }
            }
        });
        kind.singles().forEach((field, child) -> {
            JsonNode v = o.get(field);
            if (v != null && !v.isNull()) {
                check(child, v, out);
            }
        });
        if (kindName.equals("schedule")) {
            scheduleRules(o, id, out);
        } else if (kindName.equals("location")) {
            range(o, id, "latitude", 90, out);
            range(o, id, "longitude", 180, out);
        } else if (kindName.equals("service")) {
            JsonNode min = o.get("minimum_age");
            JsonNode max = o.get("maximum_age");
            if (min != null && max != null && min.isNumber() && max.isNumber() && min.asDouble() > max.asDouble()) {
                out.add(new Problem(kindName, id, "maximum_age", "is below minimum_age " + min.asText()));
            }
        }
    }

    private static void range(ObjectNode o, String id, String field, double limit, List<Problem> out) {
        JsonNode v = o.get(field);
        if (v != null && v.isNumber() && Math.abs(v.asDouble()) > limit) {
            out.add(new Problem("location", id, field, "must be between -" + (int) limit + " and " + (int) limit
                + "; was " + v.asText()));
        }
    }

    private static void scheduleRules(ObjectNode o, String id, List<Problem> out) {
        LocalDate from = date(o, "valid_from");
        LocalDate to = date(o, "valid_to");
        if (from != null && to != null && to.isBefore(from)) {
            out.add(new Problem("schedule", id, "valid_to", "is before valid_from " + from));
        }
        JsonNode interval = o.get("interval");
        if (interval != null && interval.isNumber() && interval.asInt() < 1) {
            out.add(new Problem("schedule", id, "interval", "must be 1 or more; was " + interval.asText()));
        }
        if (Json.str(o, "until") != null && o.hasNonNull("count")) {
            out.add(new Problem("schedule", id, "count", "cannot be given together with until (RFC 5545)"));
        }
        String byday = Json.str(o, "byday");
        if (byday != null && "WEEKLY".equals(Json.str(o, "freq")) && byday.matches(".*[0-9].*")) {
            out.add(new Problem("schedule", id, "byday", "may have an ordinal (2MO, -1FR) only when freq is MONTHLY"));
        }
        if (Json.str(o, "opens_at") != null ^ Json.str(o, "closes_at") != null) {
            out.add(new Problem("schedule", id, Json.str(o, "opens_at") == null ? "opens_at" : "closes_at",
                "is required when " + (Json.str(o, "opens_at") == null ? "closes_at" : "opens_at") + " is given"));
        }
        if (Json.str(o, "freq") == null && byday == null && Json.str(o, "dtstart") == null && from == null
            && Json.str(o, "opens_at") != null) {
            out.add(new Problem("schedule", id, "freq", "is required (or dtstart for a single date) when opens_at "
                + "is given"));
        }
    }

    private static LocalDate date(ObjectNode o, String field) {
        String s = Json.str(o, field);
        try {
            return s == null ? null : LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Same as the UUID pattern, without a regex: ids are checked hundreds of thousands of times in an import. */
    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    private static String format(Format format, JsonNode v) {
        if (format == Format.NUMBER) {
            return v.isNumber() ? null : "must be a number; was " + v;
        }
        if (!v.isTextual()) {
            return "must be a string; was " + v;
        }
        String s = v.asText();
        switch (format) {
            case UUID:
                return isUuid(s) ? null : "must be a UUID; was '" + s + "'";
            case EMAIL:
                return EMAIL_RE.matcher(s).matches() ? null : "must be an e-mail address; was '" + s + "'";
            case URI:
                return URI_RE.matcher(s).matches() ? null : "must be an absolute URI; was '" + s + "'";
            case DATE:
                try {
                    LocalDate.parse(s);
                    return null;
                } catch (DateTimeParseException e) {
                    return "must be a date YYYY-MM-DD; was '" + s + "'";
                }
            case TIME:
                return TIME_RE.matcher(s).matches() ? null : "must be a time HH:MM, optionally with seconds and a UTC "
                    + "offset; was '" + s + "'";
            case CURRENCY:
                return CURRENCY_RE.matcher(s).matches() ? null : "must be an ISO 4217 code such as EUR; was '" + s + "'";
            case BYDAY:
                for (String part : s.split(",")) {
                    if (!BYDAY_RE.matcher(part.trim()).matches()) {
                        return "must be days MO..SU separated by commas, each optionally with an ordinal (2MO, -1FR); "
                            + "'" + part.trim() + "' is not one";
                    }
                }
                return null;
            case INTLIST:
                for (String part : s.split(",")) {
                    if (!INT_RE.matcher(part.trim()).matches() || part.trim().equals("0")) {
                        return "must be non-zero whole numbers separated by commas; '" + part.trim() + "' is not one";
                    }
                }
                return null;
            default:
                return null;
        }
    }
}
