package de.datenhafen.core.web.console;

import de.datenhafen.api.web.Html;
import de.datenhafen.core.integration.ConfigSchemas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The form of a connector's config, generated from its JSON Schema as the admin API gives it: one labelled field per
 * property, its type as the input's type (number, checkbox, a select for an enum, a password field for a secret, a
 * text area for certificates in PEM form, by the {@code contentMediaType} of {@code ConfigCheck.pemCertificates()}),
 * its default filled in, its description and the form's own hints (how to write a list or a duration, a kept secret,
 * a hub-admin-only key) under it, a line each, all named by the field's {@code aria-describedby}, required fields
 * marked and {@code required}, and an empty problem line under each that {@code integration-form.js} fills from
 * {@code /validate}. A secret's stored value is never in the page: its field starts empty. A key only a hub-admin may
 * set is shown read-only to anyone else, with what it bounds, and left out of what the form sends, so it keeps its
 * value (the API refuses a change with 403; sent back, a certificate's CRLF line breaks, which a text area gives back
 * as LF, would read as one). Field ids are {@code config.<key>}, as the API names problems; the description's is
 * {@code hint.<key>}, each hint's {@code hint.<key>.<what>}.
 */
final class ConfigForm {

    /** How a sentence ends, so a description that ends so gets no full stop added. */
    private static final Pattern ENDED = Pattern.compile(".*[.!?…]$", Pattern.DOTALL);

    /** The media type {@code ConfigCheck.pemCertificates()} gives its keys: such a key gets a multi-line field. */
    private static final String PEM = "application/pem-certificate-chain";

    private ConfigForm() {
    }

    /**
     * @param values the values to show (an integration's config when editing, secrets redacted by the API), or null
     */
    static void fields(Console.View v, Html h, JsonObject schema, JsonObject values) {
        fields(v, h, schema, values, Known.NOTHING);
    }

    /**
     * What the hub knows that a form's keys may name, offered beside or as such a key: an id the hub knows, not one
     * to guess.
     *
     * @param members the ids of the members the person may name in a key of members' ids (a hub-admin all, a
     *     member-admin their own)
     * @param integrations the names of the integrations the person sees, by their connector, for a key naming one
     */
    record Known(List<String> members, Map<String, List<String>> integrations) {
        static final Known NOTHING = new Known(List.of(), Map.of());
    }

    /**
     * @param values the values to show, or null
     * @param known the members and integrations the form's keys may name
     */
    static void fields(Console.View v, Html h, JsonObject schema, JsonObject values, Known known) {
        JsonObject properties = schema.getJsonObject("properties", new JsonObject());
        JsonArray required = schema.getJsonArray("required", new JsonArray());
        for (String key : properties.fieldNames()) {
            JsonObject p = properties.getJsonObject(key);
            Object value = values == null ? null : values.getValue(key);
            if (p.getBoolean("deprecated", false) && value == null) {
                continue; // a retired key: only a stored config that still has it shows it, to be taken out
            }
            field(v, h, key, p, required.contains(key), value, known);
        }
    }

    /**
     * A value as the form and the integration's page show it: a duration as the config takes it ({@code 30s},
     * {@code 2h}; the API says {@code PT30S}), anything else as the API gives it. {@code p} is the key's schema, or
     * null when it is not known.
     */
    static Object shown(JsonObject p, Object value) {
        if (p != null && "duration".equals(p.getString("format")) && value instanceof String s) {
            try {
                return de.datenhafen.api.ConfigType.durationText((java.time.Duration) de.datenhafen.api.ConfigType
                    .DURATION.parse(s));
            } catch (IllegalArgumentException notADuration) {
                return s;
            }
        }
        return value;
    }

    private static void field(Console.View v, Html h, String key, JsonObject p, boolean required, Object value,
                              Known known) {
        List<String> members = known.members();
        String id = "config." + key;
        String type = p.getString("type", "string");
        boolean secret = p.getBoolean("writeOnly", false);
        String bounds = p.getValue(ConfigSchemas.HUB_ADMIN_ONLY) instanceof String reason ? reason : null;
        boolean locked = bounds != null && !v.person().isHubAdmin();
        Object shown = secret ? null : shown(p, value != null ? value : p.getValue("default"));
        String hintId = "hint." + key;
        String problemId = "problem." + key;
        Map<String, String> hints = new LinkedHashMap<>();
        if (type.equals("array")) {
            hints.put(hintId + ".list", v.t("form.list"));
            if (p.getBoolean(ConfigSchemas.MEMBER_IDS, false) && !members.isEmpty()) {
                hints.put(hintId + ".members", v.t(v.person().isHubAdmin() ? "form.memberIds" : "form.memberIdOwn",
                    String.join(", ", members.size() > 30
                    ? List.of(String.join(", ", members.subList(0, 30)), "…") : members)));
            }
        } else if ("duration".equals(p.getString("format"))) {
            hints.put(hintId + ".duration", v.t("form.duration"));
        }
        // a key naming another integration: its connector's integrations to choose from, or that there is none yet
        String of = p.getString(ConfigSchemas.INTEGRATION_OF);
        List<String> named = of == null ? null : new java.util.ArrayList<>(known.integrations().getOrDefault(of,
            List.of()));
        if (named != null && named.isEmpty()) {
            hints.put(hintId + ".none", v.t("form.noIntegrationOf", of));
        } else if (named != null && shown != null && !named.contains(String.valueOf(shown))) {
            named.add(0, String.valueOf(shown)); // a stored name of none the person sees stays as it is, not changed
        }
        if (secret && value != null) {
            hints.put(hintId + ".secret-kept", v.t("form.secretKept"));
        }
        if (bounds != null) {
            hints.put(hintId + ".hub-admin-only", v.t("form.hubAdminOnly", bounds));
        }
        String description = p.getString("description", "").strip();
        Map<String, String> lines = new LinkedHashMap<>();
        if (!description.isEmpty()) {
            // a screen reader reads the lines aria-describedby names as one text: without its full stop the
            // connector's description would run into the hint after it ("in folder Nur ein Hub-Admin ...")
            lines.put(hintId, hints.isEmpty() || ENDED.matcher(description).matches() ? description
                : description + ".");
        }
        lines.putAll(hints);
        String describedBy = String.join(" ", lines.keySet()) + (lines.isEmpty() ? "" : " ") + problemId;
        h.open("div", "class", "field", "data-key", key, "data-type", type);
        if (type.equals("boolean")) {
            h.open("p").empty("input", "type", "checkbox", "id", id, "name", id, "checked",
                    Boolean.TRUE.equals(shown) ? "" : null, "disabled", locked ? "" : null,
                    "aria-describedby", describedBy)
                .element("label", key, "for", id, "class", "inline").close("p");
        } else {
            h.open("label", "for", id).text(key);
            if (required) {
                h.element("span", " (" + v.t("form.required") + ")", "class", "hint");
            }
            h.close("label");
            JsonArray choices = p.getJsonArray("enum");
            if (named != null && !named.isEmpty()) {
                h.open("select", "id", id, "name", id, "required", required ? "" : null, "disabled", locked ? "" : null,
                    "aria-describedby", describedBy);
                // chosen, not taken: without it the first integration would be sent by whoever did not look
                h.element("option", "–", "value", "", "selected", shown == null ? "" : null);
                for (String n : named) {
                    h.element("option", n, "value", n, "selected", n.equals(String.valueOf(shown)) ? "" : null);
                }
                h.close("select");
            } else if (choices != null) {
                h.open("select", "id", id, "name", id, "required", required ? "" : null, "disabled", locked ? "" : null,
                    "aria-describedby", describedBy);
                if (!required) {
                    h.element("option", "–", "value", "");
                }
                for (Object c : choices) {
                    h.element("option", String.valueOf(c), "value", String.valueOf(c), "selected",
                        String.valueOf(c).equals(String.valueOf(shown)) ? "" : null);
                }
                h.close("select");
            } else if (PEM.equals(p.getString("contentMediaType"))) {
                // A certificate chain is many lines long: a one-line field would join them, and the admin could not
                // see or check what they pasted. It is not secret, so an integration's stored value is shown.
                h.open("textarea", "id", id, "name", id, "rows", "8", "class", "pem",
                        "maxlength", number(p.getValue("maxLength")), "required", required ? "" : null,
                        "autocomplete", "off", "spellcheck", "false", "readonly", locked ? "" : null,
                        "aria-describedby", describedBy)
                    // The HTML parser drops one line break right after <textarea>: this one, not the value's own.
                    .text("\n" + (shown == null ? "" : String.valueOf(shown))).close("textarea");
            } else {
                String inputType = secret ? "password" : type.equals("integer") || type.equals("number") ? "number"
                    : "text";
                String text = shown instanceof JsonArray list ? String.join(", ", list.stream().map(String::valueOf)
                    .toList()) : shown == null ? null : String.valueOf(shown);
                h.empty("input", "type", inputType, "id", id, "name", id, "value", text,
                    "required", required && !(secret && value != null) ? "" : null,
                    "step", type.equals("integer") ? "1" : type.equals("number") ? "any" : null,
                    "min", number(p.getValue("minimum")), "max", number(p.getValue("maximum")),
                    "autocomplete", secret ? "new-password" : "off", "spellcheck", "false",
                    "readonly", locked ? "" : null, "aria-describedby", describedBy);
            }
        }
        lines.forEach((lineId, line) -> h.element("p", line, "class", "hint", "id", lineId));
        h.element("p", "", "class", "field-problem", "id", problemId).close("div");
    }

    private static String number(Object n) {
        return n instanceof Number x ? String.valueOf(x) : null;
    }
}
