package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One thing wrong with imported or edited data: which HSDS object (its kind and id), which field, and what is wrong.
 *
 * @param object the HSDS object kind, for example {@code schedule}
 * @param id the object's id, or {@code "?"} when it has none
 * @param field the field at fault, for example {@code freq}
 * @param message what is wrong, in a sentence a data steward understands
 */
public record Problem(String object, String id, String field, String message) {

    public Problem {
        Objects.requireNonNull(object, "object");
        id = id == null || id.isBlank() ? "?" : id;
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("object", object).put("id", id).put("field", field)
            .put("message", message);
    }

    @Override
    public String toString() {
        return object + " " + id + " ." + field + ": " + message;
    }
}
