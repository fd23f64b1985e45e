package de.datenhafen.core.http;

import de.datenhafen.core.integration.IntegrationView;
import de.datenhafen.core.plugin.PluginView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** How the hub's views look as JSON. */
final class Json {

    private Json() {
    }

    static JsonObject plugin(PluginView p) {
        return new JsonObject()
            .put("id", p.id())
            .put("version", p.version())
            .put("provider", p.provider())
            .put("description", p.description())
            .put("requires", p.requires())
            .put("state", p.state())
            .put("error", p.error())
            .put("connectors", new JsonArray(p.connectors()))
            .put("file", p.file());
    }

    static JsonObject integration(IntegrationView i) {
        return new JsonObject()
            .put("name", i.name())
            .put("connector", i.connector())
            .put("plugin", i.plugin())
            .put("state", i.state())
            .put("config", config(i.config()))
            .put("messages", new JsonObject()
                .put("in", i.messagesIn()).put("out", i.messagesOut()).put("failed", i.messagesFailed()))
            .put("lastError", i.lastError() == null ? null : lastError(i))
            .put("attempts", i.attempts())
            .put("createdAt", time(i.createdAt()))
            .put("updatedAt", time(i.updatedAt()));
    }

    /** An integration's last error: its words and time, and the code and values of one the hub worded. */
    private static JsonObject lastError(IntegrationView i) {
        JsonObject out = new JsonObject().put("message", i.lastError()).put("at", time(i.lastErrorAt()));
        if (i.lastErrorCode() != null) {
            out.put("code", i.lastErrorCode()).put("values", new JsonArray(List.copyOf(i.lastErrorValues())));
        }
        return out;
    }

    static JsonObject config(Map<String, Object> values) {
        JsonObject out = new JsonObject();
        values.forEach((k, v) -> out.put(k, v instanceof Duration d ? d.toString()
            : v instanceof List<?> l ? new JsonArray(List.copyOf(l)) : v));
        return out;
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
