package de.datenhafen.core.flow;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The automations shipped with the hub: parameterised flows over the events the shipped plugins put on the bus
 * (air-quality's {@code air.alert.raised}, transit's {@code transit.trip.updated}, social-services'
 * {@code social.service.created} and {@code .updated}). A template is YAML with {@code <<parameter>>} marks; each
 * value is checked against its parameter's pattern before it is put in (quoted for YAML where it may hold a quote),
 * so a value cannot add a block, and the result is parsed and checked as any flow is.
 */
public final class FlowTemplates {

    /**
     * A parameter: its name, what it means, the pattern its value must match, and its default (null: required;
     * {@link #GENERATED}: a new webhook secret when none is given).
     */
    public record Parameter(String name, String description, Pattern pattern, String defaultValue) {
    }

    /** A template: id, title, what it does, its parameters and its YAML. */
    public record Template(String id, String title, String description, List<Parameter> parameters, String yaml) {
    }

    /** A template made into a flow's definition; {@code generated} holds parameters the hub made (a secret). */
    public record Instance(String definition, Map<String, String> generated) {
    }

    static final String GENERATED = "<generated>";

    private static final Pattern NAME = FlowParser.NAME;
    private static final Pattern URL = Pattern.compile("https?://[^\\s'\"<>{}]{1,2000}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_+/=.-]{16,200}");
    private static final Pattern MARK = Pattern.compile("<<([a-zA-Z]+)>>");

    private static final Parameter FLOW_NAME = new Parameter("name", "the flow's name (also its webhook or MQTT "
        + "target's)", NAME, null);
    private static final Parameter WEBHOOK_URL = new Parameter("url", "the receiver's http:// or https:// URL", URL,
        null);
    private static final Parameter WEBHOOK_SECRET = new Parameter("secret", "the Standard Webhooks signing secret "
        + "(whsec_ and base64, 16 to 200 characters); made by the hub and shown once when left out", SECRET,
        GENERATED);

    private static final List<Template> TEMPLATES = List.of(
        new Template("co2-alert-webhook", "CO2 alert in a school to a webhook",
            "Each air.alert.raised of the school's rooms (air-quality plugin: subject <site>/<room>) goes to a "
                + "webhook as a short alert: school, room, since when, peak and threshold in ppm.",
            List.of(FLOW_NAME, new Parameter("school", "the school's site id, as in the air-quality registry "
                + "(e.g. sim-01)", Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"), null), WEBHOOK_URL,
                WEBHOOK_SECRET),
            """
            name: <<name>>
            description: CO2 alerts of school <<school>> to a webhook
            from:
              bus: air.alert.raised
              subject: '<<school>>/'
            steps:
              - transform: >-
                  {"school": site, "room": room, "roomName": roomName, "since": since,
                   "peakPpm": peak, "thresholdPpm": threshold}
              - webhook:
                  name: <<name>>
                  url: '<<url>>'
                  secret: '<<secret>>'
            """),
        new Template("departures-webhook", "Departures cancelled or delayed at a stop to a webhook",
            "Each transit.trip.updated (transit plugin) whose trip is cancelled, skips the stop, or leaves the stop "
                + "at least N minutes late goes to a webhook: stop, trip, line, headsign, scheduled and expected "
                + "departure, delay in minutes. A cancelled trip counts when its event lists the stop.",
            List.of(FLOW_NAME, new Parameter("stop", "the GTFS stop_id", Pattern.compile("[A-Za-z0-9:._-]{1,64}"),
                null), new Parameter("minutes", "the delay, in whole minutes, from which a departure is reported",
                Pattern.compile("[0-9]{1,3}"), "5"), WEBHOOK_URL, WEBHOOK_SECRET),
            """
            name: <<name>>
            description: Departures at stop <<stop>> cancelled or at least <<minutes>> minutes late, to a webhook
            from:
              bus: transit.trip.updated
            steps:
              - filter: >-
                  $count(stops[stopId = "<<stop>>" and ($$.cancelled = true or skipped = true
                   or delay >= <<minutes>> * 60)]) > 0
              - transform: >-
                  ($s := stops[stopId = "<<stop>>"][0];
                   {"stop": "<<stop>>", "trip": tripId, "line": line, "headsign": headsign,
                    "cancelled": cancelled = true or $s.skipped = true,
                    "scheduled": $s.scheduledDeparture, "expected": $s.expectedDeparture,
                    "delayMinutes": $exists($s.delay) ? $round($s.delay / 60) : null})
              - webhook:
                  name: <<name>>
                  url: '<<url>>'
                  secret: '<<secret>>'
            """),
        new Template("offers-mqtt", "New or changed offers of a topic to an MQTT topic",
            "Each social.service.created and social.service.updated (social-services plugin) whose service name "
                + "contains the topic word (any case) is published to an MQTT topic: id, organisation, name, the "
                + "fields that changed, and whether it is new.",
            List.of(FLOW_NAME, new Parameter("topic", "a word of the offers' names, e.g. Beratung",
                Pattern.compile("[\\p{L}\\p{N} -]{1,60}"), null),
                new Parameter("broker", "the MQTT broker, tcp://host:1883 or ssl://host:8883",
                    Pattern.compile("(tcp|ssl)://[A-Za-z0-9.:\\[\\]-]{1,200}:[0-9]{1,5}"), null),
                new Parameter("mqttTopic", "the topic to publish to; {type} and {subject} are the event's",
                    Pattern.compile("[A-Za-z0-9/_.{}-]{1,200}"), null)),
            """
            name: <<name>>
            description: New or changed offers about "<<topic>>" to MQTT
            from:
              bus: [social.service.created, social.service.updated]
            steps:
              - filter: '$contains($lowercase(name), $lowercase("<<topic>>"))'
              - transform: >-
                  {"id": id, "organization": organization_id, "name": name, "changed": changed,
                   "modified": modified, "new": $type = "social.service.created"}
              - mqtt-out:
                  name: <<name>>
                  broker: '<<broker>>'
                  topic: '<<mqttTopic>>'
                  qos: 1
            """));

    private static final SecureRandom RANDOM = new SecureRandom();

    private FlowTemplates() {
    }

    public static List<Template> list() {
        return TEMPLATES;
    }

    public static Template get(String id) {
        return TEMPLATES.stream().filter(t -> t.id().equals(id)).findFirst()
            .orElseThrow(() -> new NotFoundException("no flow template '" + id + "'; the templates are "
                + String.join(", ", TEMPLATES.stream().map(Template::id).toList()), "template"));
    }

    /**
     * The template's YAML with the parameters put in; each checked (400 naming {@code parameters.<name>}).
     *
     * @param values parameter values as strings or numbers
     */
    public static Instance instantiate(String id, Map<String, ?> values) {
        Template t = get(id);
        Map<String, String> given = new LinkedHashMap<>();
        Map<String, String> generated = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            if (t.parameters().stream().noneMatch(p -> p.name().equals(key))) {
                throw new InvalidInputException("template " + id + " has no parameter '" + key + "'; it takes "
                    + String.join(", ", t.parameters().stream().map(Parameter::name).toList()), "parameters." + key);
            }
        }
        for (Parameter p : t.parameters()) {
            Object v = values.get(p.name());
            String value = v == null ? null : v instanceof String s ? s : v instanceof Number n ? n.toString() : null;
            if (v != null && value == null) {
                throw new InvalidInputException(p.name() + " is text or a number", "parameters." + p.name());
            }
            if (value == null && GENERATED.equals(p.defaultValue())) {
                byte[] key = new byte[24];
                RANDOM.nextBytes(key);
                value = "whsec_" + Base64.getEncoder().encodeToString(key);
                generated.put(p.name(), value);
            } else if (value == null) {
                value = p.defaultValue();
            }
            if (value == null) {
                throw new InvalidInputException("template " + id + " needs " + p.name() + ": " + p.description(),
                    "parameters." + p.name());
            }
            if (!p.pattern().matcher(value).matches()) {
                throw new InvalidInputException(p.name() + " '" + value + "' is not " + p.description(),
                    "parameters." + p.name());
            }
            given.put(p.name(), value);
        }
        Matcher m = MARK.matcher(t.yaml());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            // the patterns keep quotes and line breaks out; a quote for YAML's single-quoted strings is doubled
            m.appendReplacement(out, Matcher.quoteReplacement(given.get(m.group(1)).replace("'", "''")));
        }
        m.appendTail(out);
        return new Instance(out.toString(), generated);
    }
}
