package de.datenhafen.core.http;

import de.datenhafen.core.camel.HubHttpComponent.PluginRoute;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a plugin says about its own HTTP routes, merged into the hub's OpenAPI document.
 *
 * <p>A plugin describes its routes in an OpenAPI 3.0 fragment in its own jar, {@value #RESOURCE}: an object with
 * {@code paths} (keys are full paths as clients call them, {@code /api/v1/plugins/<id>/...} or a public root such
 * as {@code /sta/v1.1/Things}; a path segment in braces stands for any one segment, also one the integration's
 * config chooses, as {@code /api/v1/plugins/core-connectors/{path}}) and optionally {@code components} ({@code schemas},
 * {@code parameters}, {@code responses}, {@code requestBodies}, {@code headers}).
 * The document shows, for each route served right now, the fragment's paths that fall under it (the route's own path,
 * or below it for a route that serves a whole subtree), with the configured path in place of a brace segment; where
 * several templates fit a route at the same path, the one with the most literal segments describes it. A route
 * the fragment does not describe keeps a generic entry. Components are renamed {@code <plugin>.<name>} (references
 * too), so two plugins cannot clash; every operation gets the plugin as tag and {@code x-datenhafen-plugin} /
 * {@code x-datenhafen-integration}, and {@code x-datenhafen-access}: who the hub lets call it (the route's
 * {@code access}: {@code public}, a role of the plugin's owning member, or {@code hub-admin}; a public route may still
 * refuse on its own). An operation no served route answers by its method has none.
 */
final class PluginOpenApi {

    static final String RESOURCE = "META-INF/datenhafen/openapi.json";
    /** A fragment larger than this is not read (it is documentation, not data). */
    static final int MAX_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(PluginOpenApi.class);
    private static final List<String> ALL = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** The kinds of component a fragment may define and refer to. */
    private static final List<String> COMPONENTS = List.of("schemas", "parameters", "responses", "requestBodies",
        "headers");

    private static final String SERVED_BY = "Served by integration ";

    private PluginOpenApi() {
    }

    /**
     * The fragment in the plugin's own jar (not its parents'), or an empty object when it has none or it is not a
     * JSON object with {@code paths}; the reason is logged then, and the plugin's routes keep generic entries.
     */
    static JsonObject read(String plugin, ClassLoader loader) {
        URL url = loader instanceof URLClassLoader own ? own.findResource(RESOURCE) : null;
        if (url == null) {
            return new JsonObject();
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                LOG.warn("Plugin {}: {} is larger than {} bytes; its routes are listed without it", plugin, RESOURCE,
                    MAX_BYTES);
                return new JsonObject();
            }
            JsonObject fragment = new JsonObject(Buffer.buffer(bytes));
            if (!(fragment.getValue("paths") instanceof JsonObject)) {
                LOG.warn("Plugin {}: {} has no \"paths\" object; its routes are listed without it", plugin, RESOURCE);
                return new JsonObject();
            }
            return renamed(plugin, fragment);
        } catch (IOException | DecodeException | ClassCastException e) {
            LOG.warn("Plugin {}: {} is not a JSON object ({}); its routes are listed without it", plugin, RESOURCE,
                e.getMessage());
            return new JsonObject();
        }
    }

    /**
     * The fragment with its components (schemas, and the parameters, responses, request bodies and headers that several
     * operations share) named {@code <plugin>.<name>}, and every reference to them changed to match.
     */
    static JsonObject renamed(String plugin, JsonObject fragment) {
        String text = fragment.encode();
        for (String kind : COMPONENTS) {
            text = text.replace("\"#/components/" + kind + "/", "\"#/components/" + kind + "/" + plugin + ".");
        }
        JsonObject out = new JsonObject(text);
        JsonObject components = out.getJsonObject("components", new JsonObject());
        JsonObject prefixedComponents = new JsonObject();
        for (String kind : COMPONENTS) {
            JsonObject own = components.getJsonObject(kind);
            if (own != null) {
                JsonObject prefixed = new JsonObject();
                own.forEach(e -> prefixed.put(plugin + "." + e.getKey(), e.getValue()));
                prefixedComponents.put(kind, prefixed);
            }
        }
        if (!prefixedComponents.isEmpty()) {
            out.put("components", prefixedComponents);
        }
        return out;
    }

    /**
     * Takes the integration's name out of every plugin operation whose integration {@code named} does not accept: the
     * integrations API shows an integration only to its member and the association, so a caller who may not read it
     * learns from the document which plugin serves a path, not which of the member's integrations.
     */
    static void withoutIntegrationsOthersMayNotRead(JsonObject doc, java.util.function.Predicate<String> named) {
        for (Map.Entry<String, Object> e : doc.getJsonObject("paths")) {
            if (!(e.getValue() instanceof JsonObject item) || !item.getBoolean("x-datenhafen-plugin-routes", false)) {
                continue;
            }
            for (String m : ALL) {
                JsonObject op = item.getJsonObject(m.toLowerCase(Locale.ROOT));
                String integration = op == null ? null : op.getString("x-datenhafen-integration");
                if (integration != null && !named.test(integration)) {
                    op.remove("x-datenhafen-integration");
                    String summary = op.getString("summary");
                    if (summary != null && summary.startsWith(SERVED_BY + integration + " of plugin ")) {
                        op.put("summary", "Served by plugin " + summary.substring(SERVED_BY.length()
                            + integration.length() + " of plugin ".length()));
                    }
                }
            }
        }
    }

    /** Adds the routes served now to {@code doc} (a copy of the hub's document), described by their plugins' fragments. */
    static void addRoutes(JsonObject doc, List<PluginRoute> routes, Function<String, JsonObject> fragments) {
        JsonObject paths = doc.getJsonObject("paths");
        if (doc.getJsonObject("components") == null) {
            doc.put("components", new JsonObject());
        }
        // path -> method -> access; set when all routes are placed, since two routes on one path (reads and writes)
        // each put the whole described path item
        Map<String, Map<String, String>> access = new LinkedHashMap<>();
        for (PluginRoute r : routes) {
            JsonObject fragment = fragments.apply(r.plugin());
            JsonObject described = fragment.getJsonObject("paths", new JsonObject());
            // where several templates fit at one shown path, the most literal one wins
            Map<String, Fit> chosen = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : described) {
                String path = fit(e.getKey(), r);
                if (path != null && e.getValue() instanceof JsonObject) {
                    int literal = literalSegments(e.getKey(), r);
                    Fit before = chosen.get(path);
                    if (before == null || before.literal() < literal) {
                        chosen.put(path, new Fit(e.getKey(), literal));
                    }
                }
            }
            chosen.forEach((path, f) -> paths.put(path, marked(described.getJsonObject(f.template()).copy(), r)));
            if (!chosen.isEmpty()) {
                componentsPut(doc, fragment.getJsonObject("components", new JsonObject()));
            } else {
                chosen.put(generic(paths, r), null);
            }
            for (String path : chosen.keySet()) {
                for (String m : r.methods().isEmpty() ? ALL : r.methods()) {
                    access.computeIfAbsent(path, k -> new LinkedHashMap<>()).put(m.toLowerCase(Locale.ROOT),
                        r.access());
                }
            }
        }
        access.forEach((path, byMethod) -> byMethod.forEach((method, who) -> {
            JsonObject op = paths.getJsonObject(path).getJsonObject(method);
            if (op != null) {
                op.put("x-datenhafen-access", who);
            }
        }));
    }

    private record Fit(String template, int literal) {
    }

    private static void componentsPut(JsonObject doc, JsonObject own) {
        JsonObject components = doc.getJsonObject("components");
        for (String kind : COMPONENTS) {
            JsonObject ofKind = own.getJsonObject(kind);
            if (ofKind != null) {
                JsonObject target = components.getJsonObject(kind);
                if (target == null) {
                    target = new JsonObject();
                    components.put(kind, target);
                }
                target.mergeIn(ofKind);
            }
        }
    }

    /**
     * The path to show for a described {@code template} under route {@code r}, or null when it is not the route's: for
     * a route of one path, the template must match it segment by segment (a brace segment matches any, and the
     * route's segment is shown); for a route of a subtree, the template must lie below the route's path.
     */
    static String fit(String template, PluginRoute r) {
        String[] t = segments(template);
        String[] p = segments(r.path());
        if (t.length < p.length || !r.prefix() && t.length != p.length) {
            return null;
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            if (i < p.length) {
                if (!t[i].equals(p[i]) && !variable(t[i])) {
                    return null;
                }
                shown.add(p[i]);
            } else {
                shown.add(t[i]);
            }
        }
        return "/" + String.join("/", shown);
    }

    /**
     * How many of the template's segments within the route's own path are literal. A plugin whose integrations choose
     * some paths by config and serve others at fixed ones (transit's push path beside {@code stops}) has a brace
     * template that fits the fixed routes too; the fixed route's own, literal template is the one that describes it.
     */
    static int literalSegments(String template, PluginRoute r) {
        String[] t = segments(template);
        int n = Math.min(t.length, segments(r.path()).length);
        int literal = 0;
        for (int i = 0; i < n; i++) {
            literal += variable(t[i]) ? 0 : 1;
        }
        return literal;
    }

    private static boolean variable(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }

    private static String[] segments(String path) {
        String p = path.replaceAll("^/+|/+$", "");
        return p.isEmpty() ? new String[0] : p.split("/");
    }

    /** Each operation of a described path item, tagged with its plugin and integration. */
    private static JsonObject marked(JsonObject item, PluginRoute r) {
        item.put("x-datenhafen-plugin-routes", true);
        for (String m : ALL) {
            JsonObject op = item.getJsonObject(m.toLowerCase(Locale.ROOT));
            if (op != null) {
                if (!op.containsKey("tags")) {
                    op.put("tags", new JsonArray().add(r.plugin()));
                }
                op.put("x-datenhafen-plugin", r.plugin()).put("x-datenhafen-integration", r.integration());
            }
        }
        return item;
    }

    /**
     * A route its plugin does not describe: its path and methods, and that the plugin's README says the rest. Returns
     * the path it shows.
     */
    private static String generic(JsonObject paths, PluginRoute r) {
        String path = r.prefix() ? (r.path().endsWith("/") ? r.path() : r.path() + "/") + "{subpath}" : r.path();
        JsonObject item = paths.getJsonObject(path, new JsonObject()).put("x-datenhafen-plugin-routes", true)
            .put("x-datenhafen-match-prefix", r.prefix());
        for (String m : r.methods().isEmpty() ? ALL : r.methods()) {
            JsonObject op = new JsonObject()
                .put("summary", SERVED_BY + r.integration() + " of plugin " + r.plugin()
                    + "; see the plugin's README")
                .put("tags", new JsonArray().add(r.plugin()))
                .put("x-datenhafen-plugin", r.plugin()).put("x-datenhafen-integration", r.integration())
                .put("responses", new JsonObject().put("default", new JsonObject()
                    .put("description", "as the plugin says; errors as {\"error\", \"field\"}")));
            if (r.prefix()) {
                op.put("parameters", new JsonArray().add(new JsonObject().put("name", "subpath").put("in", "path")
                    .put("required", true).put("schema", new JsonObject().put("type", "string"))));
            }
            item.put(m.toLowerCase(Locale.ROOT), op);
        }
        paths.put(path, item);
        return path;
    }
}
