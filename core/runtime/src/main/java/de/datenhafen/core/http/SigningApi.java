package de.datenhafen.core.http;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.plugin.SigningKeys;
import de.datenhafen.core.security.Members;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * What admits plugin code, for hub-admins (every write audited by {@link HttpApi}'s audit handler):
 * <ul>
 * <li>{@code /api/v1/admin/members/{member}/keys[/{key}]}: a member's public signing keys (Ed25519, PEM or base64);
 * DELETE revokes a key and keeps it, so what it signed is refused as revoked.</li>
 * <li>{@code /api/v1/admin/plugin-allowlist[/{hash}]}: unsigned archives admitted by SHA-256 (third-party code the
 * association reviewed). Not {@code plugin.admitted}, which admits process-ending calls: one does not imply the
 * other.</li>
 * </ul>
 */
final class SigningApi {

    private static final String KEYS = "/api/v1/admin/members/:member/keys";
    private static final String ALLOWLIST = "/api/v1/admin/plugin-allowlist";

    private final SigningKeys keys;
    private final Members members;
    private final WorkerExecutor workers;

    SigningApi(SigningKeys keys, Members members, WorkerExecutor workers) {
        this.keys = keys;
        this.members = members;
        this.workers = workers;
    }

    /** The rules of the routes below: the association's, hub-admins only (see {@link AccessRules}). */
    static void rules(AccessRules r) {
        r.rule("GET", KEYS, AccessRules.HUB_ADMIN)
            .rule("POST", KEYS, AccessRules.HUB_ADMIN)
            .rule("DELETE", KEYS + "/:key", AccessRules.HUB_ADMIN)
            .rule("GET", ALLOWLIST, AccessRules.HUB_ADMIN)
            .rule("POST", ALLOWLIST, AccessRules.HUB_ADMIN)
            .rule("DELETE", ALLOWLIST + "/:hash", AccessRules.HUB_ADMIN);
    }

    void mount(Router router, BodyBudget bodies) {
        Handler<RoutingContext> json = bodies.handler(64 * 1024);
        router.get(KEYS).handler(ctx -> work(ctx, 200, () -> new JsonArray(keys.of(member(ctx)).stream()
            .map(SigningApi::key).toList())));
        router.post(KEYS).handler(json).handler(ctx -> withBody(ctx, "the key as {\"publicKey\": \"<PEM or base64>\", "
            + "\"name\": \"...\"}", b -> key(named(ctx, keys.register(member(ctx), text(b, "publicKey"),
            text(b, "name"), by(ctx))))));
        router.delete(KEYS + "/:key").handler(ctx -> work(ctx, 200, () -> key(named(ctx, keys.revoke(member(ctx),
            ctx.pathParam("key"), by(ctx))))));
        router.get(ALLOWLIST).handler(ctx -> work(ctx, 200, () -> new JsonArray(keys.allowList().stream()
            .map(SigningApi::allowed).toList())));
        router.post(ALLOWLIST).handler(json).handler(ctx -> withBody(ctx, "the archive as {\"sha256\": \"<hex>\", "
            + "\"note\": \"who reviewed it\"}", b -> {
                SigningKeys.Allowed a = keys.allow(text(b, "sha256"), text(b, "note"), by(ctx));
                HttpApi.auditNames(ctx, "hash", a.sha256());
                return allowed(a);
            }));
        router.delete(ALLOWLIST + "/:hash").handler(ctx -> work(ctx, 204, () -> {
            keys.disallow(ctx.pathParam("hash"));
            return null;
        }));
    }

    /** The path's member, which must exist (404), and noted for the audit entry so the member sees it. */
    private String member(RoutingContext ctx) {
        String id = members.require(ctx.pathParam("member")).id();
        HttpApi.auditNames(ctx, "member", id);
        ctx.put(HttpApi.AUDIT_MEMBER, id);
        return id;
    }

    /**
     * The key for the audit entry's target by its name, which people know it by, and the start of its fingerprint (its
     * id), which tells two keys of one name apart.
     */
    private static SigningKeys.Key named(RoutingContext ctx, SigningKeys.Key k) {
        String start = k.id().substring(0, Math.min(12, k.id().length())) + "…";
        HttpApi.auditNames(ctx, "key", k.name() != null && !k.name().isBlank() ? k.name() + " (" + start + ")"
            : k.id());
        return k;
    }

    private static String by(RoutingContext ctx) {
        return IdentityApi.principal(ctx).label();
    }

    private static String text(JsonObject b, String field) {
        Object v = b.getValue(field);
        if (v != null && !(v instanceof String)) {
            throw new InvalidInputException(field + " must be a string", field);
        }
        return (String) v;
    }

    static JsonObject key(SigningKeys.Key k) {
        return new JsonObject().put("id", k.id()).put("member", k.member()).put("algorithm", k.algorithm())
            .put("publicKey", k.publicKey()).put("name", k.name()).put("createdBy", k.createdBy())
            .put("createdAt", k.createdAt().toString()).put("revokedAt", Json.time(k.revokedAt()))
            .put("revokedBy", k.revokedBy());
    }

    static JsonObject allowed(SigningKeys.Allowed a) {
        return new JsonObject().put("sha256", a.sha256()).put("note", a.note()).put("addedBy", a.addedBy())
            .put("addedAt", a.addedAt().toString());
    }

    private interface BodyTask {
        Object run(JsonObject body) throws Exception;
    }

    private void withBody(RoutingContext ctx, String expected, BodyTask task) {
        JsonObject b = AdminApi.jsonBody(ctx, expected);
        if (b != null) {
            work(ctx, ctx.request().method().name().equals("POST") ? 201 : 200, () -> task.run(b));
        }
    }

    private void work(RoutingContext ctx, int status, Callable<Object> task) {
        JsonReplies.work(workers, ctx, status, task);
    }
}
