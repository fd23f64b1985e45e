package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One thing wrong with imported or edited data: which HSDS object (its kind and id), which field, what is wrong, and
 * for a tabular data package the CSV file and line the faulty row came from.
 *
 * @param object the HSDS object kind, for example {@code service}
 * @param id the object's id, or {@code "?"} when it has none
 * @param field the field at fault as a path below the object, for example {@code schedules[0].freq}
 * @param message what is wrong, in a sentence a data steward understands
 * @param source where the faulty row was read, for example {@code schedules.csv line 17}; null for JSON
 */
public record Problem(String object, String id, String field, String message, String source) {

    public Problem {
        Objects.requireNonNull(object, "object");
        id = id == null || id.isBlank() ? "?" : id;
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    public Problem(String object, String id, String field, String message) {
        this(object, id, field, message, null);
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("object", object).put("id", id).put("field", field)
            .put("message", message);
        if (source != null) {
            o.put("source", source);
        }
        return o;
    }

    @Override
    public String toString() {
        return object + " " + id + " ." + field + ": " + message + (source == null ? "" : " [" + source + "]");
    }
}
