package de.datenhafen.core.http;

import de.datenhafen.core.store.OnlineBackup;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /api/v1/admin/backup} (hub-admin): an online backup of the embedded H2 database into the data folder's
 * {@code backups/} (see {@link OnlineBackup}), answered 201 with its name and size once it is written, or, when that
 * takes longer than {@value #WAIT_SECONDS} s (a large database), 202 with the name its zip will have when complete,
 * so no proxy in between times the call out; 409 on PostgreSQL (whose backup is {@code pg_dump}) and while another
 * backup runs. An API call rather than a command beside the hub: the running hub holds the database file's lock, so
 * only it can take the copy, and the call is authorised and audited like every admin change. The wait runs on the
 * admin pool.
 */
final class BackupApi {

    static final int WAIT_SECONDS = 3;

    private final WorkerExecutor workers;
    private final OnlineBackup backup;

    BackupApi(WorkerExecutor workers, OnlineBackup backup) {
        this.workers = workers;
        this.backup = backup;
    }

    void mount(Router router) {
        router.post("/api/v1/admin/backup").handler(this::take);
    }

    private void take(RoutingContext ctx) {
        workers.executeBlocking(() -> {
            OnlineBackup.Started started = backup.start();
            JsonObject out = new JsonObject().put("name", started.name()).put("folder", OnlineBackup.FOLDER)
                .put("taken", Json.time(started.taken()));
            try {
                OnlineBackup.Result r = started.done().get(WAIT_SECONDS, TimeUnit.SECONDS);
                return out.put("state", "written").put("size", r.size()).put("entries", new JsonArray(r.entries()))
                    .put("millis", r.took().toMillis());
            } catch (TimeoutException e) {
                return out.put("state", "writing");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }, false).onSuccess(body -> {
            if (!ctx.response().ended()) {
                ctx.response().setStatusCode("written".equals(body.getString("state")) ? 201 : 202)
                    .putHeader("Content-Type", "application/json").end(body.encode());
            }
        }).onFailure(err -> Errors.respond(ctx, err));
    }
}
