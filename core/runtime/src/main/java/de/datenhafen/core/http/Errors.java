package de.datenhafen.core.http;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.HubException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.RefusedException;
import de.datenhafen.api.RetryableException;
import de.datenhafen.core.plugin.PluginCallException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where errors become HTTP answers: a status that fits, and a JSON body
 * {@code {"error": "...", "field": "..."}} (plus {@code problems} when there were several).
 */
public final class Errors {

    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    /** The router's failure handler. */
    public static void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        int status = ctx.statusCode();
        if (failure == null) {
            send(ctx, status < 400 ? 500 : status, message(status), null, null);
            return;
        }
        if (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        respond(ctx, failure);
    }

    /** Answers the request with the error {@code failure} stands for. */
    public static void respond(RoutingContext ctx, Throwable failure) {
        if (failure instanceof InvalidInputException e) {
            JsonArray problems = new JsonArray();
            e.problems().forEach(p -> problems.add(new JsonObject().put("field", p.field()).put("error", p.message())));
            send(ctx, 400, e.getMessage(), e.field(), e.problems().size() > 1 ? problems : null);
        } else if (failure instanceof UnauthorizedException e) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"datenhafen\"");
            send(ctx, 401, e.getMessage(), e.field(), null);
        } else if (failure instanceof NotFoundException e) {
            send(ctx, 404, e.getMessage(), e.field(), null);
        } else if (failure instanceof ConflictException e) {
            send(ctx, 409, e.getMessage(), e.field(), null);
        } else if (failure instanceof PayloadTooLargeException e) {
            send(ctx, 413, e.getMessage(), e.field(), null);
        } else if (failure instanceof RefusedException e) {
            send(ctx, 422, e.getMessage(), e.field(), null);
        } else if (failure instanceof RetryableException e) {
            ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            send(ctx, 503, e.getMessage(), e.field(), null);
        } else if (failure instanceof PluginCallException e) {
            LOG.warn("Plugin call failed: {}", e.getMessage());
            send(ctx, 502, e.getMessage(), null, null);
        } else if (failure instanceof HubException e) {
            LOG.error("Request {} {} failed: {}", ctx.request().method(), ctx.request().path(), e.getMessage(), e);
            send(ctx, 500, e.getMessage(), e.field(), null);
        } else if (failure instanceof DecodeException) {
            send(ctx, 400, "the body is not valid JSON: " + failure.getMessage(), "body", null);
        } else if (failure instanceof HttpException e) {
            send(ctx, e.getStatusCode(), e.getPayload() != null ? e.getPayload() : message(e.getStatusCode()),
                null, null);
        } else {
            LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
            send(ctx, 500, "internal error: " + failure, null, null);
        }
    }

    private static void send(RoutingContext ctx, int status, String message, String field, JsonArray problems) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        JsonObject body = new JsonObject().put("error", message == null ? message(status) : message);
        if (field != null) {
            body.put("field", field);
        }
        if (problems != null) {
            body.put("problems", problems);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    static String message(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "authentication required";
            case 404 -> "no such resource";
            case 405 -> "method not allowed on this resource";
            case 413 -> "request body too large";
            case 415 -> "unsupported content type";
            default -> "request failed with status " + status;
        };
    }
}
