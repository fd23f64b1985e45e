package de.datenhafen.core.node;

import de.datenhafen.core.ops.Timers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases on work that must run on one node at a time (a subscription, a timed route), in {@code hub_lease}: a holder,
 * an expiry and a fencing token that grows at every take-over. This node renews what it holds every
 * {@code renewEvery}, tries to take what it wants and does not hold every second, and gives up (locally) what it
 * could not renew within the lease time. On H2 the one node takes each lease at once, in the call that asks for it.
 *
 * <p>Decisions a reader may question:
 * <ul>
 * <li><b>Held is judged by this node's monotonic clock</b>: a lease counts as held until {@code leaseTime - 1 s}
 * after the start of the statement that last took or renewed it. A process that was paused ({@code kill -STOP}, a long
 * GC) therefore sees its lease gone the moment it runs again, before any renewal, and stops handing out work; what it
 * had under way when it was paused is fenced by the token (see {@code SubscriptionStore#advance}).</li>
 * <li><b>Expiry is written in the nodes' wall-clock time</b>, so the nodes' clocks must agree to within a second
 * (NTP); the second of margin above covers that.</li>
 * <li><b>A release lets the row expire, it does not delete it</b>: the token must never start again at 1, or a node
 * that lost a lease long ago could match it again.</li>
 * </ul>
 */
public final class Leases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);
    private static final OffsetDateTime RELEASED = Instant.EPOCH.atOffset(ZoneOffset.UTC);

    private final DataSource dataSource;
    private final String node;
    private final Clock clock;
    private final Duration leaseTime;
    private final Duration renewEvery;
    private final Map<String, Lease> wanted = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private long lastRenewal = System.nanoTime(); // lease thread only

    /**
     * @param leaseTime how long a lease lasts without renewal (another node may take it after that)
     * @param renewEvery how often held leases are renewed; well below {@code leaseTime}
     */
    public Leases(DataSource dataSource, String node, Clock clock, Duration leaseTime, Duration renewEvery) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.node = Objects.requireNonNull(node, "node");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (renewEvery.compareTo(leaseTime.minusSeconds(1)) >= 0 || renewEvery.isNegative() || renewEvery.isZero()) {
            throw new IllegalArgumentException("leases must be renewed well within their time (at least 1 s before "
                + "they end): lease " + leaseTime + ", renewed every " + renewEvery);
        }
        this.leaseTime = leaseTime;
        this.renewEvery = renewEvery;
        this.timer = Timers.of("hub-leases");
        long tick = Math.min(1000, renewEvery.toMillis());
        Timers.every(timer, "Lease renewal", Duration.ofMillis(tick), Duration.ofMillis(tick), this::tickQuietly);
    }

    /** This node's id, as leases name their holder. */
    public String node() {
        return node;
    }

    /**
     * Asks for the named lease and tries to take it now; from then on this node renews it while held and tries to
     * take it while another holds it, until {@link Lease#release()}. {@code changed} (may be null) is told true when
     * the lease is taken and false when it is lost, on the lease thread (or the caller's, for a take now).
     */
    public Lease acquire(String name, Consumer<Boolean> changed) {
        Lease lease = new Lease(name, changed);
        Lease before = wanted.put(name, lease);
        if (before != null) {
            before.drop(); // the same work asked again (a route restarted): the newer handle takes over
        }
        try {
            tryTake(lease);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not take lease {} now: {}; trying again within a second", name, e.getMessage());
        }
        return lease;
    }

    /** Who holds which lease now (unexpired leases only): name to holder. */
    public Map<String, String> holders() {
        Map<String, String> out = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT name, holder FROM hub_lease WHERE expires_at > ?")) {
            ps.setObject(1, now(), Types.TIMESTAMP_WITH_TIMEZONE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the leases: " + e.getMessage(), e);
        }
        return out;
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Leases could not be renewed or taken: {}", e.getMessage());
        }
    }

    private void tick() throws SQLException {
        long started = System.nanoTime();
        if (started - lastRenewal >= renewEvery.toNanos() - 200_000_000L) {
            renew(started);
            lastRenewal = started;
        }
        for (Lease l : wanted.values()) {
            if (!l.held()) {
                // a holder whose time ran out (paused, or renewals failing) stops before another node takes over
                l.lose("ran out before it was renewed (the process was paused or could not reach the database)");
                tryTake(l);
            }
        }
    }

    /** Renews every held lease in one transaction; a lease whose row has another holder or token now is lost. */
    private void renew(long started) throws SQLException {
        List<Lease> held = new ArrayList<>();
        for (Lease l : wanted.values()) {
            if (l.token > 0) {
                held.add(l);
            }
        }
        if (held.isEmpty()) {
            return;
        }
        int[] counts;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
            "UPDATE hub_lease SET expires_at = ? WHERE name = ? AND holder = ? AND token = ?")) {
            OffsetDateTime until = now().plus(leaseTime);
            for (Lease l : held) {
                ps.setObject(1, until, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setString(2, l.name);
                ps.setString(3, node);
                ps.setLong(4, l.token);
                ps.addBatch();
            }
            counts = ps.executeBatch();
        }
        for (int i = 0; i < held.size(); i++) {
            Lease l = held.get(i);
            if (counts[i] == 0) {
                l.lose("was taken over by another node");
            } else {
                l.renewed(started);
            }
        }
    }

    /**
     * Takes the lease if nobody holds it, it expired, or this node held it before (a restart with the same id needs
     * not wait out its own lease); each take-over raises the token.
     */
    private void tryTake(Lease l) throws SQLException {
        if (!l.wanted) {
            return;
        }
        long started = System.nanoTime();
        OffsetDateTime now = now();
        OffsetDateTime until = now.plus(leaseTime);
        try (Connection c = dataSource.getConnection()) {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE hub_lease SET holder = ?, token = token + 1, "
                + "taken_at = ?, expires_at = ? WHERE name = ? AND (expires_at < ? OR holder = ?)")) {
                ps.setString(1, node);
                ps.setObject(2, now, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(3, until, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setString(4, l.name);
                ps.setObject(5, now, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setString(6, node);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_lease (name, holder, token, taken_at, "
                    + "expires_at) SELECT ?, ?, 1, ?, ? FROM (VALUES (1)) AS one(x) "
                    + "WHERE NOT EXISTS (SELECT 1 FROM hub_lease WHERE name = ?)")) {
                    ps.setString(1, l.name);
                    ps.setString(2, node);
                    ps.setObject(3, now, Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setObject(4, until, Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setString(5, l.name);
                    n = ps.executeUpdate();
                } catch (SQLException e) {
                    if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                        throw e;
                    }
                    n = 0; // another node inserted it first
                }
            }
            if (n == 0) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT holder, token FROM hub_lease WHERE name = ?")) {
                ps.setString(1, l.name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1).equals(node)) {
                        l.taken(rs.getLong(2), started);
                    }
                }
            }
        }
    }

    /** Stops renewing; held leases are released so that another node may take their work at once. */
    @Override
    public void close() {
        Timers.stop(timer, Timers.STOP_GRACE, "lease renewal"); // a renewal in progress ends first: see Timers
        for (Lease l : List.copyOf(wanted.values())) {
            l.release();
        }
    }

    @Override
    public String toString() {
        return "Leases{node=" + node + ", wanted=" + wanted.keySet() + "}";
    }

    /** One lease this node wants; thread-safe. */
    public final class Lease {
        private final String name;
        private final Consumer<Boolean> changed;
        private volatile long token; // 0: not held
        private volatile long validUntil; // System.nanoTime()
        private volatile boolean wanted = true;

        private Lease(String name, Consumer<Boolean> changed) {
            this.name = name;
            this.changed = changed;
        }

        public String name() {
            return name;
        }

        /** Whether this node holds the lease now: taken or renewed within the lease time (less a second). */
        public boolean held() {
            return token > 0 && System.nanoTime() - validUntil < 0;
        }

        /** The fencing token of the current holding, 0 when not held. */
        public long token() {
            return held() ? token : 0;
        }

        /** The node whose lease this is. */
        public String node() {
            return node;
        }

        /**
         * Tells the lease that a fenced write with {@code token} was refused: another node took over. Stops
         * counting it as held at once, without waiting for the next renewal.
         */
        public void lost(long token) {
            if (this.token == token && token > 0) {
                lose("is held by another node now (a fenced write was refused)");
            }
        }

        synchronized void taken(long newToken, long startedNanos) {
            boolean was = token > 0;
            token = newToken;
            validUntil = startedNanos + leaseTime.toNanos() - 1_000_000_000L;
            if (!was) {
                LOG.info("Lease {} taken by node {} (token {})", name, node, newToken);
                tell(true);
            }
        }

        synchronized void renewed(long startedNanos) {
            if (token > 0) {
                validUntil = startedNanos + leaseTime.toNanos() - 1_000_000_000L;
            }
        }

        synchronized void lose(String why) {
            if (token > 0) {
                LOG.warn("Lease {} (token {}) of node {} {}; its work stops here", name, token, node, why);
                token = 0;
                tell(false);
            }
        }

        /** Forgets the lease without writing (a newer handle for the same work replaced it). */
        synchronized void drop() {
            wanted = false;
            token = 0;
        }

        /** Gives the lease up: expires its row if this node still holds it, and stops asking for it. */
        public void release() {
            long t;
            synchronized (this) {
                wanted = false;
                t = token;
                token = 0;
            }
            Leases.this.wanted.remove(name, this);
            if (t == 0) {
                return;
            }
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE hub_lease SET expires_at = ? WHERE name = ? AND holder = ? AND token = ?")) {
                ps.setObject(1, RELEASED, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setString(2, name);
                ps.setString(3, node);
                ps.setLong(4, t);
                ps.executeUpdate();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Could not release lease {}: {} (it expires by itself)", name, e.getMessage());
            }
        }

        private void tell(boolean nowHeld) {
            if (changed == null) {
                return;
            }
            try {
                changed.accept(nowHeld);
            } catch (RuntimeException e) {
                LOG.warn("Lease {}: its work failed to {}: {}", name, nowHeld ? "start" : "stop", e.toString());
            }
        }

        @Override
        public String toString() {
            return "Lease{" + name + ", node=" + node + ", token=" + token + ", held=" + held() + "}";
        }
    }
}
