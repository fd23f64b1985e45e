package de.datenhafen.core.http;

import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.Connector;
import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.PayloadTooLargeException;
import de.datenhafen.api.UnsupportedMediaTypeException;
import de.datenhafen.core.integration.ConfigSchemas;
import de.datenhafen.core.integration.ConfigWriter;
import de.datenhafen.core.integration.IntegrationManager;
import de.datenhafen.core.plugin.LoadedPlugin;
import de.datenhafen.core.plugin.PluginHost;
import de.datenhafen.core.plugin.PluginView;
import de.datenhafen.core.security.PluginOwners;
import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Role;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The admin API for plugins, connectors and integrations, under {@code /api/v1/admin}. Every route runs its work
 * on the admin worker pool and answers JSON.
 */
final class AdminApi {

    private final Vertx vertx;
    private final WorkerExecutor workers;
    private final PluginHost plugins;
    private final IntegrationManager integrations;
    private final PluginOwners owners;
    private final Function<String, String> ownerOf;
    private final Function<String, String> integrationOwner;
    private final Path uploadDir;
    private final long maxPluginSize;

    /**
     * @param ownerOf the id of the member that owns a plugin, by the plugin's id (null for none)
     * @param integrationOwner the member whose an integration is, by its name: its plugin's owner, a flow's member
     *                         (null for none); as the access rules of the integrations' routes read it
     */
    AdminApi(Vertx vertx, WorkerExecutor workers, PluginHost plugins, IntegrationManager integrations,
             PluginOwners owners, Function<String, String> ownerOf, Function<String, String> integrationOwner,
             Path uploadDir, long maxPluginSize) {
        this.vertx = vertx;
        this.workers = workers;
        this.plugins = plugins;
        this.integrations = integrations;
        this.owners = owners;
        this.ownerOf = ownerOf;
        this.integrationOwner = integrationOwner;
        this.uploadDir = uploadDir;
        this.maxPluginSize = maxPluginSize;
    }

    void mount(Router router, BodyBudget bodies) {
        Handler<RoutingContext> json = bodies.handler(1024 * 1024);
        String base = "/api/v1/admin";
        router.get(base + "/plugins").handler(this::listPlugins);
        router.post(base + "/plugins").handler(this::installPlugin);
        router.get(base + "/plugins/:id").handler(this::getPlugin);
        router.post(base + "/plugins/:id/enable").handler(this::enablePlugin);
        router.post(base + "/plugins/:id/disable").handler(this::disablePlugin);
        router.delete(base + "/plugins/:id").handler(this::deletePlugin);
        router.put(base + "/plugins/:id/owner").handler(json).handler(this::assignOwner);
        router.get(base + "/connectors").handler(this::listConnectors);
        router.post(base + "/integrations/validate").handler(json).handler(this::validateIntegration);
        router.post(base + "/integrations").handler(json).handler(this::createIntegration);
        router.get(base + "/integrations").handler(this::listIntegrations);
        router.get(base + "/integrations/:name").handler(this::getIntegration);
        router.put(base + "/integrations/:name").handler(json).handler(this::updateIntegration);
        router.post(base + "/integrations/:name/validate").handler(json).handler(this::validateUpdate);
        router.post(base + "/integrations/:name/pause").handler(this::pauseIntegration);
        router.post(base + "/integrations/:name/resume").handler(this::resumeIntegration);
        router.post(base + "/integrations/:name/restart").handler(this::restartIntegration);
        router.delete(base + "/integrations/:name").handler(this::deleteIntegration);
    }

    // ---- plugins

    private void listPlugins(RoutingContext ctx) {
        work(ctx, 200, () -> new JsonArray(plugins.list().stream().map(this::plugin).toList()));
    }

    private void getPlugin(RoutingContext ctx) {
        work(ctx, 200, () -> plugin(plugins.get(ctx.pathParam("id"))));
    }

    /** A plugin as the API shows it: with its owning member, and a warning while it has none. */
    private JsonObject plugin(PluginView view) {
        String owner = view.id() == null ? null : ownerOf.apply(view.id());
        java.util.Optional<de.datenhafen.core.plugin.PluginAdmission> admission = view.id() == null
            ? java.util.Optional.empty() : plugins.signature(view.id());
        JsonObject out = Json.plugin(view).put("owner", owner)
            .put("signature", admission.map(Object::toString).orElse(null))
            .put("admission", admission.map(a -> new JsonObject().put("kind", a.kind().name().toLowerCase(
                java.util.Locale.ROOT).replace('_', '-')).put("member", a.member()).put("key", a.keyId())
                .put("publicKey", a.kind() == de.datenhafen.core.plugin.PluginAdmission.Kind.SIGNED ? a.publicKey()
                    : null)).orElse(null));
        if (owner == null && view.id() != null) {
            out.put("warnings", new JsonArray().add("the provider " + view.provider() + " is not a member of this "
                + "hub, so plugin " + view.id() + " has no owning member: until an admin assigns one (PUT "
                + "/api/v1/admin/plugins/" + view.id() + "/owner {\"member\": \"<id>\"}), only hub-admins pass its "
                + "member-guarded endpoints and manage its integrations"));
        }
        return out;
    }

    /** Makes a member the owner of an installed plugin: its member-admins then manage the plugin's integrations. */
    private void assignOwner(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx, "the owning member as {\"member\": \"<member id>\"}");
        if (body == null) {
            return;
        }
        String id = ctx.pathParam("id");
        work(ctx, 200, () -> {
            PluginView view = plugins.get(id); // 404 for an unknown plugin, before anything is stored
            if (!(body.getValue("member") instanceof String member)) {
                throw new InvalidInputException("member must be the id of a member of the hub", "member");
            }
            owners.assign(id, member, "member");
            return plugin(view);
        });
    }

    /** Streams the archive to a hidden file in the plugins folder, then installs it from there. */
    private void installPlugin(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String length = req.getHeader("Content-Length");
        if (length == null && req.getHeader("Transfer-Encoding") == null) {
            length = "0"; // no length and not chunked: HTTP/1.1 says the request has no body
        }
        if (length == null) {
            Errors.respond(ctx, new InvalidInputException(
                "send the plugin archive as the request body with a Content-Length header", "Content-Length"));
            return;
        }
        long size;
        try {
            size = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            Errors.respond(ctx, new InvalidInputException("Content-Length is not a number", "Content-Length"));
            return;
        }
        if (size > maxPluginSize) {
            Errors.respond(ctx, new PayloadTooLargeException("the plugin archive has " + size
                + " bytes; this hub accepts at most " + maxPluginSize + " (plugin.max.size)"));
            return;
        }
        if (size == 0) {
            Errors.respond(ctx, InvalidInputException.emptyBody("the plugin archive (zip or jar), e.g. curl "
                + "--data-binary @my-plugin-1.0.0.zip"));
            return;
        }
        boolean enable = "true".equalsIgnoreCase(ctx.queryParams().get("enable"));
        String owner = ctx.queryParams().get("owner");
        if (owner != null && !owners.memberExists(owner)) {
            Errors.respond(ctx, new InvalidInputException("there is no member " + LogText.escape(owner)
                + "; ?owner= names the id of the member that owns the plugin", "owner"));
            return;
        }
        Path upload = uploadDir.resolve(".upload-" + UUID.randomUUID() + ".tmp");
        req.pause();
        vertx.fileSystem().open(upload.toString(), new OpenOptions().setCreateNew(true).setWrite(true))
            .compose(file -> req.pipeTo(file))
            .onFailure(err -> {
                vertx.fileSystem().delete(upload.toString());
                Errors.respond(ctx, err);
            })
            .onSuccess(v -> work(ctx, 201, () -> {
                try {
                    PluginView view = plugins.install(upload, enable, owner);
                    HttpApi.auditNames(ctx, "id", view.id()); // as the plugin's own routes name it
                    if (owner != null) {
                        owners.assign(view.id(), owner, "owner");
                    }
                    return plugin(view);
                } finally {
                    Files.deleteIfExists(upload);
                }
            }));
    }

    private void enablePlugin(RoutingContext ctx) {
        work(ctx, 200, () -> plugin(plugins.enable(ctx.pathParam("id"))));
    }

    private void disablePlugin(RoutingContext ctx) {
        work(ctx, 200, () -> plugin(plugins.disable(ctx.pathParam("id"))));
    }

    private void deletePlugin(RoutingContext ctx) {
        work(ctx, 204, () -> {
            plugins.delete(ctx.pathParam("id"));
            owners.unassign(ctx.pathParam("id"));
            return null;
        });
    }

    // ---- connectors

    private void listConnectors(RoutingContext ctx) {
        boolean german = Errors.asksGerman(ctx);
        ctx.response().putHeader("Vary", "Accept-Language");
        work(ctx, 200, () -> {
            JsonArray out = new JsonArray();
            for (var view : plugins.list()) {
                if (view.id() == null) {
                    continue;
                }
                LoadedPlugin p = plugins.plugin(view.id()).orElse(null);
                if (p == null) {
                    continue;
                }
                for (Connector c : p.connectors()) {
                    // in German where the request prefers it and the plugin has the words (its texts_de), else its own
                    out.add(new JsonObject()
                        .put("name", c.name())
                        .put("description", german ? p.text("de", c.name() + ".description").orElse(c.description())
                            : c.description())
                        .put("plugin", p.id())
                        .put("provider", p.member())
                        .put("configSchema", ConfigSchemas.toJsonSchema(c.config(), key -> german
                            ? p.text("de", c.name() + "." + key.name()).orElse(key.description()) : key.description(),
                            (key, reason) -> german ? p.text("de", c.name() + "." + key.name() + ".hubAdminOnly")
                                .orElse(reason) : reason)));
                }
            }
            return out;
        });
    }

    // ---- integrations

    private void validateIntegration(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx, INTEGRATION);
        if (body == null) {
            return;
        }
        ctx.response().putHeader("Vary", "Accept-Language"); // the problems' words are in the asked language
        work(ctx, 200, () -> {
            requireOwnerOfConnector(ctx, body.getString("connector"));
            List<ConfigProblem> problems = integrations.validate(body.getString("name"),
                body.getString("connector"), configOf(body), writer(ctx));
            return new JsonObject().put("valid", problems.isEmpty()).put("problems", Errors.problems(ctx, problems));
        });
    }

    private void createIntegration(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx, INTEGRATION);
        if (body == null) {
            return;
        }
        work(ctx, 201, () -> {
            if (body.getValue("name") instanceof String asked) {
                HttpApi.auditNames(ctx, "name", asked); // a refusal names what it was asked to make
            }
            requireOwnerOfConnector(ctx, body.getString("connector"));
            var created = integrations.create(body.getString("name"), body.getString("connector"), configOf(body),
                writer(ctx));
            HttpApi.auditNames(ctx, "name", created.name()); // as the integration's own routes name it
            ownersAudit(ctx, created.name());
            return Json.integration(created);
        });
    }

    /** Replaces an integration's config ({@code {"config": {...}}}); a secret left out keeps its stored value. */
    private void updateIntegration(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx, CONFIG);
        if (body == null) {
            return;
        }
        work(ctx, 200, () -> {
            keepsWhatItIs(body, ctx.pathParam("name"));
            IntegrationManager.Updated u = integrations.change(ownersAudit(ctx, ctx.pathParam("name")),
                configOf(body), writer(ctx));
            // which keys, never their values (a secret's among them)
            HttpApi.auditDetail(ctx).add(u.changedKeys().isEmpty() ? "nothing" : "config",
                String.join(", ", u.changedKeys()));
            return Json.integration(u.view());
        });
    }

    /** What an update of the config would find wrong, without changing anything (the edit form asks as one types). */
    private void validateUpdate(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx, CONFIG);
        if (body == null) {
            return;
        }
        ctx.response().putHeader("Vary", "Accept-Language"); // the problems' words are in the asked language
        work(ctx, 200, () -> {
            keepsWhatItIs(body, ctx.pathParam("name"));
            List<ConfigProblem> problems = integrations.validateUpdate(ctx.pathParam("name"), configOf(body),
                writer(ctx));
            return new JsonObject().put("valid", problems.isEmpty()).put("problems", Errors.problems(ctx, problems));
        });
    }

    /**
     * The integrations the caller may see: all for a hub-admin, else those of its member's plugins and its member's
     * flows (as {@code GET /integrations/:name} lets it read them).
     */
    private void listIntegrations(RoutingContext ctx) {
        Principal p = ctx.get(Authentication.PRINCIPAL);
        work(ctx, 200, () -> new JsonArray(integrations.list().stream()
            .filter(i -> p.actsFor(integrationOwner.apply(i.name()), Role.VIEWER)).map(Json::integration).toList()));
    }

    /**
     * Passes a hub-admin, and a member-admin of the member that owns the plugin offering {@code connector}; refuses
     * others with 403. An unknown connector passes, for the integration manager to name it as the problem.
     */
    private void requireOwnerOfConnector(RoutingContext ctx, String connector) {
        Principal p = ctx.get(Authentication.PRINCIPAL);
        if (p.isHubAdmin() || connector == null) {
            return;
        }
        plugins.pluginOffering(connector).ifPresent(plugin -> {
            String owner = ownerOf.apply(plugin.id());
            if (!p.actsFor(owner, Role.MEMBER_ADMIN)) {
                throw new ForbiddenException("connector " + connector + " is of plugin " + plugin.id() + ", owned by "
                    + (owner == null ? "no member" : "member " + owner) + "; its integrations are managed by that "
                    + "member's member-admins (or a hub-admin)", "connector");
            }
        });
    }

    /**
     * Who writes an integration's config in this request: a hub-admin sets any key; anyone else (a member-admin of the
     * owning member, as the route's rule let through) not the keys its connector declares hub-admin-only
     * ({@link ConfigWriter}), which the integration manager refuses with 403.
     */
    private static ConfigWriter writer(RoutingContext ctx) {
        Principal p = ctx.get(Authentication.PRINCIPAL);
        return ConfigWriter.of(p != null && p.isHubAdmin());
    }

    private void getIntegration(RoutingContext ctx) {
        work(ctx, 200, () -> Json.integration(integrations.get(ctx.pathParam("name"))));
    }

    private void pauseIntegration(RoutingContext ctx) {
        integrationAction(ctx, integrations::pause);
    }

    private void resumeIntegration(RoutingContext ctx) {
        integrationAction(ctx, integrations::resume);
    }

    private void restartIntegration(RoutingContext ctx) {
        integrationAction(ctx, integrations::restart);
    }

    private void deleteIntegration(RoutingContext ctx) {
        work(ctx, 204, () -> {
            integrations.delete(ownersAudit(ctx, ctx.pathParam("name")));
            return null;
        });
    }

    private void integrationAction(RoutingContext ctx,
                                   Function<String, de.datenhafen.core.integration.IntegrationView> action) {
        work(ctx, 200, () -> Json.integration(action.apply(ownersAudit(ctx, ctx.pathParam("name")))));
    }

    /**
     * Files the audit entry of a change to integration {@code name} under the member that owns it (its plugin's
     * owner), whose people read it there: a hub-admin's change to a member's integration was in the hub-admin's
     * member's log alone. Called by the routes the access rules let through (a refusal stays the asker's). Returns
     * the name.
     */
    private String ownersAudit(RoutingContext ctx, String name) {
        String owner = integrationOwner.apply(name);
        if (owner != null) {
            ctx.put(HttpApi.AUDIT_MEMBER, owner);
        }
        return name;
    }

    // ---- helpers

    /**
     * Refuses an update that asks for another name or connector (they were left out without a word, and the client
     * believed the integration renamed): a body that repeats them as they are, as a GET gives them, passes.
     */
    private void keepsWhatItIs(JsonObject body, String name) {
        Object asked = body.getValue("name");
        if (asked != null && !name.equals(asked)) {
            throw (InvalidInputException) new InvalidInputException("an integration keeps its name; to have it under "
                + "another, create a new one and delete this", "name").coded("integration.keepsName");
        }
        Object connector = body.getValue("connector");
        if (connector != null && !connector.equals(integrations.get(name).connector())) {
            throw (InvalidInputException) new InvalidInputException("an integration keeps its connector; for another, "
                + "create a new integration", "connector").coded("integration.keepsConnector");
        }
    }

    private static Map<String, Object> configOf(JsonObject body) {
        Object config = body.getValue("config");
        if (config == null) {
            return Map.of();
        }
        if (!(config instanceof JsonObject o)) {
            throw new InvalidInputException("config must be a JSON object", "config");
        }
        return o.getMap();
    }

    /** What a request about an integration sends. */
    private static final String INTEGRATION = "the integration as {\"name\", \"connector\", \"config\"}";
    private static final String CONFIG = "the integration's new config as {\"config\": {...}}";

    /**
     * The request body as a JSON object, or null after answering 400 (415 when it is declared as another type than
     * JSON); {@code expected} says what to send. The body keeps to {@link StrictJson}'s rules, else the 400 names the
     * field at fault.
     */
    static JsonObject jsonBody(RoutingContext ctx, String expected) {
        String type = ctx.request().getHeader("Content-Type");
        if (type != null && !type.isBlank() && !MediaTypes.isJson(type)) {
            // a form or text/plain is what a page of another site can send without asking (no CORS preflight)
            Errors.respond(ctx, new UnsupportedMediaTypeException("the body is JSON: send Content-Type: "
                + "application/json, not " + MediaTypes.shown(type), "application/json"));
            return null;
        }
        Buffer read = BodyBudget.bodyOf(ctx);
        if (read.length() <= 0) {
            Errors.respond(ctx, InvalidInputException.emptyBody(expected));
            return null;
        }
        try {
            // well-formed UTF-8, no lone surrogate, no name twice: Vert.x's parser would decode, replace or keep one
            StrictJson.check(read.getBytes(), StrictJson.Fields.PATH);
        } catch (InvalidInputException e) {
            Errors.respond(ctx, e);
            return null;
        }
        try {
            // as Vert.x's RequestBody.asJsonObject: null for "null", a ClassCastException for an array or a value
            JsonObject body = (JsonObject) io.vertx.core.json.Json.decodeValue(read);
            if (body == null) {
                Errors.respond(ctx, new InvalidInputException("the body must be a JSON object", "body"));
            }
            return body;
        } catch (RuntimeException e) {
            Errors.respond(ctx, new InvalidInputException("the body is not a JSON object: " + Errors.jsonProblem(e),
                "body"));
            return null;
        }
    }

    private void work(RoutingContext ctx, int status, Callable<Object> task) {
        // a connector's own problems are said in its plugin's words (Errors.german), in answers and refusals alike
        ctx.put(Errors.PLUGINS, plugins);
        JsonReplies.work(workers, ctx, status, task);
    }
}
