package de.datenhafen.core.http;

import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.flow.DryRun;
import de.datenhafen.core.flow.FlowManager;
import de.datenhafen.core.flow.FlowTemplates;
import de.datenhafen.core.security.Principal;
import de.datenhafen.core.security.Role;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The admin API for flows and their templates, under {@code /api/v1/admin}: list, create, read, replace (a new
 * version), delete, versions, rollback, enable, disable, a dry run ({@code validate}) and the templates. A flow's
 * definition is sent as YAML text, either as the body ({@code Content-Type: application/yaml}) or inside JSON as
 * {@code {"name", "member", "definition"}}, or made from a template as {@code {"template", "parameters"}}. A flow
 * the hub will not take is a 422 whose message names the line and the block. Who may call what is in
 * {@link HttpApi}'s rules; a member-admin's new flow is its own member's, checked here against the body.
 */
final class FlowsApi {

    /** A definition is at most 64 KiB; a dry run's sample events take the rest. */
    static final int MAX_BODY = 2 * 1024 * 1024;
    private static final String FLOW = "the flow as YAML (Content-Type: application/yaml), or JSON {\"name\", "
        + "\"member\", \"definition\"} or {\"name\", \"template\", \"parameters\"}";

    private final WorkerExecutor workers;
    private final FlowManager flows;

    /**
     * Dry runs with events run here, one at a time, not on the admin API's workers: a run may take seconds of CPU,
     * and eight at once had held every worker, so that a hub-admin's {@code GET /api/v1/auth/me} waited 19 s for the
     * check of its token (an attacker's probe). A second run while one is under way is answered 503.
     */
    private final WorkerExecutor dryRuns;
    private final java.util.concurrent.atomic.AtomicBoolean dryRunning = new java.util.concurrent.atomic.AtomicBoolean();

    FlowsApi(WorkerExecutor workers, WorkerExecutor dryRuns, FlowManager flows) {
        this.dryRuns = dryRuns;
        this.workers = workers;
        this.flows = flows;
    }

    /** The access rules of these routes. */
    static void rules(AccessRules r, FlowManager flows) {
        String a = "/api/v1/admin";
        AccessRules.Policy viewer = ofFlowMember(Role.VIEWER, flows);
        AccessRules.Policy admin = ofFlowMember(Role.MEMBER_ADMIN, flows);
        r.rule("GET", a + "/flows", AccessRules.SIGNED_IN)
            .rule("POST", a + "/flows", AccessRules.MEMBER_ADMIN_OF_ANY)
            .rule("POST", a + "/flows/validate", AccessRules.MEMBER_ADMIN_OF_ANY)
            .rule("GET", a + "/flow-templates", AccessRules.SIGNED_IN)
            .rule("GET", a + "/flows/:name", viewer)
            .rule("GET", a + "/flows/:name/versions", viewer)
            .rule("PUT", a + "/flows/:name", admin)
            .rule("DELETE", a + "/flows/:name", admin)
            .rule("POST", a + "/flows/:name/rollback", admin)
            .rule("POST", a + "/flows/:name/enable", admin)
            .rule("POST", a + "/flows/:name/disable", admin)
            // the flow's own dead letters (SubscriptionsApi): its member's people see why an event failed, its
            // member-admins replay or discard them; the hub's /dead-letters stay the hub-admins'
            .rule("GET", a + "/flows/:name/dead-letters", viewer)
            .rule("POST", a + "/flows/:name/dead-letters/replay", admin)
            .rule("POST", a + "/flows/:name/dead-letters/discard", admin);
    }

    /**
     * A hub-admin, or a principal with {@code role} of the flow's member; a hub-admin's flow (or none of that name)
     * only a hub-admin, so a member cannot tell another's flow from none.
     */
    private static AccessRules.Policy ofFlowMember(Role role, FlowManager flows) {
        return (p, params) -> {
            if (p.isHubAdmin()) {
                return null;
            }
            String member = flows.memberOf(params.get("name")).orElse("");
            return !member.isEmpty() && p.actsFor(member, role) ? null
                : "this needs the role " + role.id() + " of the flow's member (or hub-admin)";
        };
    }

    void mount(Router router, BodyBudget bodies) {
        Handler<RoutingContext> body = bodies.handler(MAX_BODY);
        String base = "/api/v1/admin";
        router.get(base + "/flow-templates").handler(this::templates);
        router.get(base + "/flows").handler(this::list);
        router.post(base + "/flows/validate").handler(body).handler(this::validate);
        router.post(base + "/flows").handler(body).handler(this::create);
        router.get(base + "/flows/:name").handler(this::get);
        router.put(base + "/flows/:name").handler(body).handler(this::replace);
        router.delete(base + "/flows/:name").handler(this::delete);
        router.get(base + "/flows/:name/versions").handler(this::versions);
        router.post(base + "/flows/:name/rollback").handler(body).handler(this::rollback);
        router.post(base + "/flows/:name/enable").handler(this::enable);
        router.post(base + "/flows/:name/disable").handler(this::disable);
    }

    private void templates(RoutingContext ctx) {
        work(ctx, 200, () -> {
            JsonArray out = new JsonArray();
            for (FlowTemplates.Template t : FlowTemplates.list()) {
                JsonArray params = new JsonArray();
                t.parameters().forEach(p -> params.add(new JsonObject().put("name", p.name())
                    .put("description", p.description()).put("pattern", p.pattern().pattern())
                    .put("required", p.defaultValue() == null)));
                out.add(new JsonObject().put("id", t.id()).put("title", t.title()).put("description", t.description())
                    .put("parameters", params).put("definition", t.yaml()));
            }
            return out;
        });
    }

    /** The flows the caller may see: all for a hub-admin, else its member's. */
    private void list(RoutingContext ctx) {
        Principal p = ctx.get(Authentication.PRINCIPAL);
        work(ctx, 200, () -> new JsonArray(flows.list().stream()
            .filter(f -> p.isHubAdmin() || f.member() != null && p.actsFor(f.member(), Role.VIEWER))
            .map(FlowsApi::flow).toList()));
    }

    private void get(RoutingContext ctx) {
        work(ctx, 200, () -> flow(flows.get(ctx.pathParam("name"))));
    }

    private void create(RoutingContext ctx) {
        Principal p = ctx.get(Authentication.PRINCIPAL);
        Request r = request(ctx);
        if (r == null) {
            return;
        }
        io.vertx.core.Future<Object> created = workers.executeBlocking(() -> {
            String member = memberFor(p, r.member());
            JsonObject out = flow(flows.create(r.name(), member, r.definition(), p.label(), r.note()));
            HttpApi.auditNames(ctx, "name", out.getString("name")); // as the flow's own routes name it
            if (!r.generated().isEmpty()) {
                out.put("generated", new JsonObject(Map.copyOf(r.generated())));
            }
            return out;
        }, false);
        // on the event loop, before the reply below is written (handlers run in the order they were added)
        created.onSuccess(out -> ctx.response().putHeader("Location",
            "/api/v1/admin/flows/" + ((JsonObject) out).getString("name")));
        JsonReplies.reply(ctx, 201, created);
    }

    private void replace(RoutingContext ctx) {
        Principal p = ctx.get(Authentication.PRINCIPAL);
        Request r = request(ctx);
        if (r == null) {
            return;
        }
        work(ctx, 200, () -> flow(flows.replace(ctx.pathParam("name"), r.definition(), p.label())));
    }

    private void delete(RoutingContext ctx) {
        work(ctx, 204, () -> {
            flows.delete(ctx.pathParam("name"));
            return null;
        });
    }

    private void versions(RoutingContext ctx) {
        work(ctx, 200, () -> {
            JsonArray out = new JsonArray();
            for (FlowManager.VersionView v : flows.versions(ctx.pathParam("name"))) {
                out.add(new JsonObject().put("version", v.version()).put("current", v.current())
                    .put("note", v.note()).put("createdBy", v.createdBy()).put("createdAt", Json.time(v.createdAt()))
                    .put("definition", v.definition()));
            }
            return out;
        });
    }

    private void rollback(RoutingContext ctx) {
        Principal p = ctx.get(Authentication.PRINCIPAL);
        JsonObject body = AdminApi.jsonBody(ctx, "the version to roll back to as {\"version\": n}");
        if (body == null) {
            return;
        }
        work(ctx, 200, () -> {
            if (!(body.getValue("version") instanceof Integer version)) {
                throw new InvalidInputException("version must be the number of one of the flow's versions",
                    "version");
            }
            return flow(flows.rollback(ctx.pathParam("name"), version, p.label()));
        });
    }

    private void enable(RoutingContext ctx) {
        work(ctx, 200, () -> flow(flows.enable(ctx.pathParam("name"))));
    }

    private void disable(RoutingContext ctx) {
        work(ctx, 200, () -> flow(flows.disable(ctx.pathParam("name"))));
    }

    /**
     * The dry run: the flow ({@code definition} or {@code template} and {@code parameters}) and sample events
     * ({@code events}: CloudEvents-like objects with type, subject, id, time, source and data) give what the flow
     * would emit, with nothing stored or sent.
     */
    private void validate(RoutingContext ctx) {
        Principal p = ctx.get(Authentication.PRINCIPAL);
        Request r = request(ctx);
        if (r == null) {
            return;
        }
        boolean heavy = r.body() != null && r.body().getValue("events") instanceof JsonArray events
            && !events.isEmpty();
        if (heavy && !dryRunning.compareAndSet(false, true)) {
            Errors.respond(ctx, new de.datenhafen.api.RetryableException("another dry run is under way; the hub "
                + "runs one at a time: try again in a few seconds", java.time.Duration.ofSeconds(5)));
            return;
        }
        Callable<Object> task = () -> {
            String member = memberFor(p, r.member());
            DryRun.Result result = flows.dryRun(r.definition(), member, samples(r.body()));
            JsonArray emitted = new JsonArray();
            result.emitted().forEach(m -> emitted.add(new JsonObject(m)));
            JsonArray failed = new JsonArray();
            result.failed().forEach(m -> failed.add(new JsonObject(m)));
            return new JsonObject().put("valid", true).put("emitted", emitted)
                .put("logged", new JsonArray(result.logged())).put("failed", failed)
                .put("ignored", new JsonArray(result.ignored()));
        };
        if (!heavy) {
            work(ctx, 200, task);
            return;
        }
        JsonReplies.reply(ctx, 200, dryRuns.executeBlocking(task, false).onComplete(done -> dryRunning.set(false)));
    }

    /** A request's flow: from a YAML body, or a JSON body's definition or template. */
    private record Request(String name, String member, String definition, String note, Map<String, String> generated,
                           JsonObject body) {
    }

    /** The request's flow, or null after answering 400. */
    private static Request request(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (MediaTypes.is(type, "application/yaml", "text/yaml", "application/x-yaml")) {
            Buffer yaml = BodyBudget.bodyOf(ctx);
            if (yaml.length() <= 0) {
                Errors.respond(ctx, InvalidInputException.emptyBody(FLOW));
                return null;
            }
            String text;
            try {
                text = de.datenhafen.api.Utf8.decode(yaml.getBytes(), "the flow's YAML", "body");
            } catch (InvalidInputException e) {
                Errors.respond(ctx, e);
                return null;
            }
            return new Request(null, ctx.request().getParam("member"), text, null, Map.of(), new JsonObject());
        }
        JsonObject body = AdminApi.jsonBody(ctx, FLOW);
        if (body == null) {
            return null;
        }
        try {
            String name = SubscriptionsApi.text(body, "name");
            String member = SubscriptionsApi.text(body, "member");
            String template = SubscriptionsApi.text(body, "template");
            if (template != null) {
                Object params = body.getValue("parameters");
                if (params != null && !(params instanceof JsonObject)) {
                    throw new InvalidInputException("parameters is a JSON object", "parameters");
                }
                JsonObject values = params == null ? new JsonObject() : (JsonObject) params;
                if (name != null && !values.containsKey("name")) {
                    values.put("name", name);
                }
                FlowTemplates.Instance i = FlowTemplates.instantiate(template, values.getMap());
                return new Request(name, member, i.definition(), "from template " + template, i.generated(), body);
            }
            String definition = SubscriptionsApi.text(body, "definition");
            if (definition == null) {
                throw new InvalidInputException("give the flow's YAML as definition, or a template with its "
                    + "parameters", "definition");
            }
            return new Request(name, member, definition, null, Map.of(), body);
        } catch (InvalidInputException | de.datenhafen.api.NotFoundException e) {
            Errors.respond(ctx, e);
            return null;
        }
    }

    /**
     * The member a new flow belongs to: for a hub-admin the one it names (or none, the hub's), for a member-admin its
     * own, and another member's is refused.
     */
    private static String memberFor(Principal p, String member) {
        if (p.isHubAdmin()) {
            return member == null || member.isBlank() ? null : member;
        }
        if (member != null && !member.equals(p.member())) {
            throw new ForbiddenException("a member-admin makes flows for its own member " + p.member() + ", not for "
                + member, "member");
        }
        return p.member();
    }

    private static List<DryRun.Sample> samples(JsonObject body) {
        Object events = body.getValue("events");
        if (events == null) {
            return List.of();
        }
        if (!(events instanceof JsonArray list)) {
            throw new InvalidInputException("events is a list of sample events {type, subject, data, ...}", "events");
        }
        List<DryRun.Sample> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.getValue(i) instanceof JsonObject e)) {
                throw new InvalidInputException("events[" + i + "] is not an object", "events[" + i + "]");
            }
            Object data = e.getValue("data");
            Object plain = plain(data, i);
            out.add(new DryRun.Sample(field(e, "type", i), field(e, "subject", i), field(e, "id", i),
                field(e, "time", i), field(e, "source", i), plain));
        }
        return out;
    }

    /** Vert.x JSON as the plain Maps and Lists the flow's expressions take. */
    private static Object plain(Object data, int i) {
        if (data == null) {
            return null;
        }
        String json = io.vertx.core.json.Json.encode(data);
        if (json.length() > de.datenhafen.core.bus.EventRules.MAX_DATA) {
            throw new InvalidInputException("events[" + i + "].data has " + json.length() + " characters as JSON; a "
                + "sample's data has at most " + de.datenhafen.core.bus.EventRules.MAX_DATA + " (1 MiB), as an event's "
                + "on the bus", "events[" + i + "].data");
        }
        try {
            return PLAIN.readValue(json, Object.class);
        } catch (java.io.IOException e) {
            throw new InvalidInputException("events[" + i + "].data is not JSON", "events[" + i + "].data");
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper PLAIN =
        new com.fasterxml.jackson.databind.ObjectMapper();

    private static String field(JsonObject e, String key, int i) {
        Object v = e.getValue(key);
        if (v != null && !(v instanceof String)) {
            throw new InvalidInputException("events[" + i + "]." + key + " is text", "events[" + i + "]." + key);
        }
        return (String) v;
    }

    static JsonObject flow(FlowManager.FlowView f) {
        return new JsonObject()
            .put("name", f.name())
            .put("member", f.member())
            .put("description", f.description())
            .put("version", f.version())
            .put("enabled", f.enabled())
            .put("state", f.state())
            .put("messages", new JsonObject()
                .put("in", f.messagesIn()).put("out", f.messagesOut()).put("failed", f.messagesFailed()))
            .put("lastError", f.lastError() == null ? null : new JsonObject()
                .put("message", f.lastError()).put("at", Json.time(f.lastErrorAt())))
            .put("definition", f.definition())
            .put("createdAt", Json.time(f.createdAt()))
            .put("updatedAt", Json.time(f.updatedAt()));
    }

    private void work(RoutingContext ctx, int status, Callable<Object> task) {
        JsonReplies.work(workers, ctx, status, task);
    }
}
