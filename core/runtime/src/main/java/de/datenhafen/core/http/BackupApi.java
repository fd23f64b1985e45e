package de.datenhafen.core.http;

import de.datenhafen.core.store.OnlineBackup;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/admin/backup} (hub-admin): an online backup of the embedded H2 database into the data folder's
 * {@code backups/} (see {@link OnlineBackup}), answered with its name and size once it is written; 409 on PostgreSQL
 * (whose backup is {@code pg_dump}) and while another backup runs. An API call rather than a command beside the
 * hub: the running hub holds the database file's lock, so only it can take the copy, and the call is authorised and
 * audited like every admin change. Work runs on the admin pool.
 */
final class BackupApi {

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
        JsonReplies.work(workers, ctx, 201, () -> {
            OnlineBackup.Result r = backup.take();
            return new JsonObject().put("name", r.name()).put("folder", OnlineBackup.FOLDER).put("size", r.size())
                .put("taken", Json.time(r.taken())).put("entries", new JsonArray(r.entries()))
                .put("millis", r.took().toMillis());
        });
    }
}
