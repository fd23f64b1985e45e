package de.datenhafen.core.camel;

import de.datenhafen.core.node.Leases;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timed routes ({@code timer:}, {@code scheduler:}, {@code quartz:}, {@code cron:}: GTFS-RT polling, schedule
 * downloads, a projection's periodic work) run on one node at a time: each such route holds the lease
 * {@code route:<route id>} while its consumer runs; on the other nodes the route is started but its consumer stays
 * stopped until the lease comes to them (the holder died or stopped the route). HTTP routes run on every node, and
 * {@code bus:} consumers have their subscription's lease ({@code JdbcSubscriptionBackend}).
 *
 * <p>The same as Camel's clustered route policy ({@code camel-master}), on the hub's own leases instead of a cluster
 * service: a {@code CamelClusterService} for a JDBC table does not exist in Camel, and the hub needs the same fencing
 * token for its cursors anyway.
 */
final class LeasedTimers implements RoutePolicyFactory {

    private static final Logger LOG = LoggerFactory.getLogger(LeasedTimers.class);
    private static final Set<String> TIMED = Set.of("timer", "scheduler", "quartz", "cron");

    private final Leases leases;

    LeasedTimers(Leases leases) {
        this.leases = leases;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
        return new Policy();
    }

    /** Whether a route's consumer fires by time (and so must run on one node only). */
    static boolean timed(String endpointUri) {
        int colon = endpointUri.indexOf(':');
        return colon > 0 && TIMED.contains(endpointUri.substring(0, colon));
    }

    private final class Policy extends RoutePolicySupport {
        private volatile Leases.Lease lease;

        @Override
        public void onStart(Route route) {
            take(route);
        }

        @Override
        public void onResume(Route route) {
            take(route);
        }

        @Override
        public void onSuspend(Route route) {
            release();
        }

        @Override
        public void onStop(Route route) {
            release();
        }

        @Override
        public void onRemove(Route route) {
            release();
        }

        private void take(Route route) {
            if (!timed(route.getEndpoint().getEndpointUri())) {
                return;
            }
            release();
            Leases.Lease l = leases.acquire("route:" + route.getRouteId(), held -> switchConsumer(route, held));
            lease = l;
            if (!l.held()) {
                switchConsumer(route, false);
                LOG.info("Route {} waits: another node holds its lease", route.getRouteId());
            }
        }

        private void switchConsumer(Route route, boolean held) {
            try {
                if (held) {
                    startConsumer(route.getConsumer());
                } else {
                    stopConsumer(route.getConsumer());
                }
            } catch (Exception e) {
                LOG.warn("Route {}: could not {} its consumer: {}", route.getRouteId(), held ? "start" : "stop",
                    e.getMessage());
            }
        }

        private void release() {
            Leases.Lease l = lease;
            lease = null;
            if (l != null) {
                l.release();
            }
        }
    }
}
