package de.datenhafen.core.http;

import de.datenhafen.core.bus.HubSubscriptions;
import de.datenhafen.core.bus.JdbcSubscriptionBackend;
import de.datenhafen.core.node.Leases;
import de.datenhafen.core.node.Nodes;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/admin/nodes}: the hub processes on this database (id, address, started, last heartbeat) and the
 * work each runs now (the leases it holds: {@code subscription:<name>}, {@code route:<route id>}; on Kafka a
 * subscription is listed with the node whose group member holds its partition); {@code alive} is false
 * once a node missed three heartbeats (a stopped or dead node stays listed with its last one). One node on H2
 * lists itself with everything. {@code DELETE /api/v1/admin/nodes/{id}} forgets a node that is gone for good (see
 * {@link Nodes#forget}): 409 while it is alive or for the node asked. Work runs on the admin pool.
 */
final class NodesApi {

    private final WorkerExecutor workers;
    private final Nodes nodes;
    private final Leases leases;
    private final HubSubscriptions subscriptions;

    NodesApi(WorkerExecutor workers, Nodes nodes, Leases leases, HubSubscriptions subscriptions) {
        this.workers = workers;
        this.nodes = nodes;
        this.leases = leases;
        this.subscriptions = subscriptions;
    }

    void mount(Router router) {
        router.get("/api/v1/admin/nodes").handler(this::list);
        router.delete("/api/v1/admin/nodes/:id").handler(this::forget);
    }

    private void forget(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        JsonReplies.work(workers, ctx, 200, () -> {
            Nodes.Forgotten f = nodes.forget(id);
            return new JsonObject().put("id", f.id()).put("heartbeat", Json.time(f.heartbeat()))
                .put("released", new JsonArray(f.released())).put("removed", new JsonArray(f.removed()))
                .put("problems", new JsonArray(f.problems()));
        });
    }

    private void list(RoutingContext ctx) {
        JsonReplies.work(workers, ctx, 200, () -> {
            Map<String, List<String>> runs = new TreeMap<>();
            leases.holders().forEach((work, holder) -> runs.computeIfAbsent(holder, h -> new ArrayList<>()).add(work));
            subscriptions.deliverers().forEach((name, holder) -> runs.computeIfAbsent(holder, h -> new ArrayList<>())
                .add(JdbcSubscriptionBackend.leaseName(name)));
            JsonArray out = new JsonArray();
            for (Nodes.Node n : nodes.list()) {
                out.add(new JsonObject().put("id", n.id()).put("address", n.address())
                    .put("self", n.id().equals(nodes.id()))
                    .put("alive", nodes.alive(n.heartbeat()))
                    .put("started", Json.time(n.started())).put("heartbeat", Json.time(n.heartbeat()))
                    .put("runs", new JsonArray(runs.getOrDefault(n.id(), List.of()))));
            }
            return new JsonObject().put("node", nodes.id()).put("nodes", out);
        });
    }
}
