package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The rules a valid object must also keep that the HSDS JSON Schemas cannot express; everything the schemas can say
 * (required fields, types, enumerations, uuid/e-mail/URI formats, nested objects) is checked by {@link HsdsSchemas}
 * against the schema files themselves and is not repeated here.
 *
 * <ul>
 *   <li>What the schemas state only as {@code datapackage_type} or in prose: dates as {@code YYYY-MM-DD}, times as
 *   {@code HH:MM} with optional seconds and UTC offset, the RFC 5545 parts of a schedule ({@code byday} days with
 *   ordinals, {@code bymonthday}/{@code byweekno}/{@code byyearday} number lists, {@code interval} of 1 or more,
 *   {@code count} not with {@code until}, ordinals only when MONTHLY), latitude and longitude in degrees, a 3-letter
 *   currency code.</li>
 *   <li>The city's own rules, which opening hours and search rely on: {@code valid_from} not after {@code valid_to},
 *   {@code opens_at} only together with {@code closes_at} and with a {@code freq}, {@code dtstart} or validity,
 *   {@code minimum_age} not above {@code maximum_age}, and an attribute names its taxonomy term.</li>
 *   <li>The URL fields the schemas leave without {@code format: uri}, an organisation's {@code logo} and a service
 *   area's {@code uri}, held to the rule of the formatted ones ({@link WebUrl}: an absolute http or https URL).</li>
 * </ul>
 * References between objects (organisation, terms, locations, CSV foreign keys) and unique ids are checked by
 * {@link Directory#validate} and {@link DataSets}, which see the whole import.
 */
final class HsdsRules {

    private static final Pattern TIME_RE = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?(Z|[+-]\\d\\d:?\\d\\d)?");
    private static final Pattern BYDAY_RE = Pattern.compile("([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)");
    private static final Pattern INT_RE = Pattern.compile("[+-]?\\d{1,3}");
    private static final Pattern CURRENCY_RE = Pattern.compile("[A-Za-z]{3}");

    private HsdsRules() {
    }

    /** Reports (field, message) for every rule this one object breaks; nested objects are visited separately. */
    static void check(HsdsSchemas schemas, String kind, ObjectNode o, BiConsumer<String, String> report) {
        var it = o.fields();
        while (it.hasNext()) {
            var e = it.next();
            String type = schemas.datapackageType(kind, e.getKey());
            if (type != null && e.getValue().isTextual() && !e.getValue().asText().isEmpty()) {
                String s = e.getValue().asText();
                if (type.equals("date") && !isDate(s)) {
                    report.accept(e.getKey(), "must be a date YYYY-MM-DD; was '" + s + "'");
                } else if (type.equals("time") && !TIME_RE.matcher(s).matches()) {
                    report.accept(e.getKey(), "must be a time HH:MM, optionally with seconds and a UTC offset; was '"
                        + s + "'");
                }
            }
        }
        switch (kind) {
            case "schedule" -> schedule(o, report);
            case "location" -> {
                range(o, "latitude", 90, report);
                range(o, "longitude", 180, report);
            }
            case "service" -> {
                JsonNode min = o.get("minimum_age");
                JsonNode max = o.get("maximum_age");
                if (min != null && max != null && min.isNumber() && max.isNumber() && min.asDouble() > max.asDouble()) {
                    report.accept("maximum_age", "is below minimum_age " + min.asText());
                }
            }
            case "organization" -> webUrl(o, "logo", report);
            case "service_area" -> webUrl(o, "uri", report);
            case "cost_option" -> {
                String c = Json.str(o, "currency");
                if (c != null && !CURRENCY_RE.matcher(c).matches()) {
                    report.accept("currency", "must be a 3-letter ISO 4217 code such as EUR; was '" + c + "'");
                }
            }
            case "attribute" -> {
                if (Json.str(o, "taxonomy_term_id") == null && !(o.get("taxonomy_term") instanceof ObjectNode)) {
                    report.accept("taxonomy_term_id", "is required: an attribute names its taxonomy term");
                }
            }
            default -> {
            }
        }
    }

    private static void webUrl(ObjectNode o, String field, BiConsumer<String, String> report) {
        JsonNode v = o.get(field);
        if (v != null && v.isTextual() && !WebUrl.isWeb(v.asText())) {
            report.accept(field, "must be " + WebUrl.WHAT + "; was '" + v.asText() + "'");
        }
    }

    private static void range(ObjectNode o, String field, double limit, BiConsumer<String, String> report) {
        JsonNode v = o.get(field);
        if (v != null && v.isNumber() && Math.abs(v.asDouble()) > limit) {
            report.accept(field, "must be between -" + (int) limit + " and " + (int) limit + " degrees; was "
                + v.asText());
        }
    }

    private static void schedule(ObjectNode o, BiConsumer<String, String> report) {
        String byday = Json.str(o, "byday");
        if (byday != null) {
            for (String part : byday.split(",")) {
                if (!BYDAY_RE.matcher(part.trim()).matches()) {
                    report.accept("byday", "must be days MO..SU separated by commas, each optionally with an ordinal "
                        + "(2MO, -1FR); '" + part.trim() + "' is not one");
                    break;
                }
            }
            if ("WEEKLY".equals(Json.str(o, "freq")) && byday.matches(".*[0-9].*")) {
                report.accept("byday", "may have an ordinal (2MO, -1FR) only when freq is MONTHLY");
            }
        }
        for (String field : new String[] {"bymonthday", "byweekno", "byyearday"}) {
            String v = Json.str(o, field);
            if (v != null) {
                for (String part : v.split(",")) {
                    if (!INT_RE.matcher(part.trim()).matches() || part.trim().equals("0")) {
                        report.accept(field, "must be non-zero whole numbers separated by commas; '" + part.trim()
                            + "' is not one");
                        break;
                    }
                }
            }
        }
        JsonNode interval = o.get("interval");
        if (interval != null && interval.isNumber() && interval.asInt() < 1) {
            report.accept("interval", "must be 1 or more; was " + interval.asText());
        }
        if (Json.str(o, "until") != null && o.hasNonNull("count")) {
            report.accept("count", "cannot be given together with until (RFC 5545)");
        }
        LocalDate from = date(o, "valid_from");
        LocalDate to = date(o, "valid_to");
        if (from != null && to != null && to.isBefore(from)) {
            report.accept("valid_to", "is before valid_from " + from);
        }
        String opens = Json.str(o, "opens_at");
        String closes = Json.str(o, "closes_at");
        if (opens != null ^ closes != null) {
            report.accept(opens == null ? "opens_at" : "closes_at",
                "is required when " + (opens == null ? "closes_at" : "opens_at") + " is given");
        }
        if (Json.str(o, "freq") == null && byday == null && Json.str(o, "dtstart") == null && from == null
            && opens != null) {
            report.accept("freq", "is required (or dtstart for a single date) when opens_at is given");
        }
    }

    private static boolean isDate(String s) {
        try {
            LocalDate.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
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
}
