package de.datenhafen.core.http;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/** How admin handlers run their blocking work and answer: the one shape of a JSON reply. */
final class JsonReplies {

    private JsonReplies() {
    }

    /**
     * Runs {@code task} on the worker pool and answers with its result (a {@link JsonObject} or {@link JsonArray})
     * and {@code status}, with no body when the result is null (204), or with the error it threw.
     */
    static void work(WorkerExecutor workers, RoutingContext ctx, int status, Callable<Object> task) {
        reply(ctx, status, workers.executeBlocking(task, false));
    }

    /** Answers with what {@code running} gives, as {@link #work} does. */
    static void reply(RoutingContext ctx, int status, Future<?> running) {
        running.onSuccess(result -> {
            if (ctx.response().ended()) {
                return;
            }
            ctx.response().setStatusCode(status);
            if (result == null) {
                ctx.response().end();
            } else {
                ctx.response().putHeader("Content-Type", "application/json")
                    .end(result instanceof JsonObject o ? o.encode() : ((JsonArray) result).encode());
            }
        }).onFailure(err -> Errors.respond(ctx, err));
    }
}
