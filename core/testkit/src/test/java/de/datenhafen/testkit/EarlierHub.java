package de.datenhafen.testkit;

import de.datenhafen.core.bus.AppendResult;
import de.datenhafen.core.bus.ChunkedEventLog;
import de.datenhafen.core.bus.JdbcDeadLetterStore;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.H2EventLog;
import de.datenhafen.core.bus.NewEvent;
import de.datenhafen.core.bus.SubscriptionStore;
import de.datenhafen.core.security.Members;
import de.datenhafen.core.store.Database;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a hub of an earlier schema version held, written into a database migrated only that far
 * ({@link Database#openAtVersion}): a plugin's state (the {@code sink} plugin enabled, {@code idle} disabled), an
 * integration of {@code sink} consuming the subscription {@code upgrade}; from V2 six events on the bus, that
 * subscription with its cursor after the third and a dead letter of the second; from V4 the installed archives; from
 * V5 the member that owns {@code sink}; from V9 the lease an earlier node held on the subscription.
 *
 * <p>The current code's writers where the tables they write have not changed since: the bus's event logs (rows
 * before V8, whose hub made chunks the default storage; chunks from then on), subscriptions, dead letters, members.
 * Plain SQL of that version's shape where they cannot write that version's schema or are not public: the events of
 * V2 (today's row log needs V3's chunk table), the integration, the plugins' state and archives (their writers are
 * package-private to the plugin host, and fill columns of later migrations), the node and its lease. Not filled: flows (V8),
 * whose definitions are sealed with the data folder's key ({@code FlowsTest} covers their restart), signing keys
 * (V6) and the admin's token (the test hub configures its own).
 */
final class EarlierHub {

    /** What was left, for the checks after the upgrade. */
    record Left(List<Long> events, long cursor, long deadLetter) {
    }

    static final String MEMBER = "stadtwerke";
    static final String SUBSCRIPTION = "upgrade";
    static final String TYPE = "upgrade.reading";
    static final String RECORDED = "upgrade.received";
    static final String INTEGRATION = "upgrade-sink";
    static final String OLD_NODE = "hub-before-the-upgrade";
    static final long OLD_TOKEN = 4;
    static final String DEAD_LETTER_ERROR = "refused by the receiver: 400 Bad Request";

    /** The first schema version whose hub stored new events as chunks by default. */
    private static final int CHUNKS_BY_DEFAULT = 8;

    private EarlierHub() {
    }

    /** The hub's migration versions, oldest first, as this build has them. */
    static List<String> versions() {
        List<String> out = new ArrayList<>();
        try (Database db = Database.open("jdbc:h2:mem:hub-versions", "sa", "");
             Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"version\" FROM \"hub_schema_history\" "
                 + "WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Migrates the database at {@code url} up to {@code version} and fills it; {@code plugins} holds the archives. */
    static Left fill(String url, String user, String password, String version, Path plugins) {
        int v = Integer.parseInt(version);
        Instant now = Instant.now();
        try (Database db = Database.openAtVersion(url, user, password, version); Connection c = db.connection()) {
            update(c, "INSERT INTO plugin_state (plugin_id, enabled, updated_at) VALUES (?, ?, ?)", "sink", true, now);
            update(c, "INSERT INTO plugin_state (plugin_id, enabled, updated_at) VALUES (?, ?, ?)", "idle", false, now);
            update(c, "INSERT INTO integration (name, connector, plugin_id, config_json, desired, created_at, "
                + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", INTEGRATION, "fixture-sink", "sink",
                "{\"subscription\":\"" + SUBSCRIPTION + "\",\"types\":\"" + TYPE + "\",\"record-type\":\"" + RECORDED
                    + "\"}", "running", now, now);
            if (v < 2) {
                return new Left(List.of(), 0, 0);
            }
            List<Long> events = events(db, c, v, now);
            new SubscriptionStore(db.dataSource(), Clock.systemUTC())
                .create(SUBSCRIPTION, EventFilter.ofTypes(TYPE), events.get(2));
            long deadLetter = events.get(1);
            new JdbcDeadLetterStore(db.dataSource(), Clock.systemUTC())
                .add(SUBSCRIPTION, deadLetter, DEAD_LETTER_ERROR, 5, now.minus(Duration.ofMinutes(5)));
            if (v >= 4) {
                archives(c, plugins, now);
            }
            if (v >= 5) {
                new Members(db).create(MEMBER, "Stadtwerke Testhausen", null);
                update(c, "INSERT INTO plugin_owner (plugin_id, member_id) VALUES (?, ?)", "sink", MEMBER);
            }
            if (v >= 9) {
                Instant hourAgo = now.minus(Duration.ofHours(1));
                update(c, "INSERT INTO hub_node (id, address, started_at, heartbeat_at) VALUES (?, ?, ?, ?)",
                    OLD_NODE, "http://127.0.0.1:8080", hourAgo, hourAgo);
                // a clean stop lets its leases run out (a release does not reset the token)
                update(c, "INSERT INTO hub_lease (name, holder, token, taken_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                    "subscription:" + SUBSCRIPTION, OLD_NODE, OLD_TOKEN, hourAgo, hourAgo.plusSeconds(10));
                update(c, "UPDATE bus_subscription SET moved_by = ?, lease_token = ? WHERE name = ?", OLD_NODE,
                    OLD_TOKEN, SUBSCRIPTION);
            }
            return new Left(events, events.get(2), deadLetter);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot fill the database of schema version " + version + ": "
                + e.getMessage(), e);
        }
    }

    /**
     * Six events, as the storage of that version's default wrote them: rows, chunks from V8 on. The row log of today
     * cannot write a V2 schema (it reads the highest sequence of the chunks' table too, which V3 made), so there the
     * rows are written as that version's log did: one per event, sequences from 1, the data's bytes as they came.
     */
    private static List<Long> events(Database db, Connection c, int version, Instant now) throws SQLException {
        List<NewEvent> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batch.add(new NewEvent(CloudEventBuilder.v1().withId("reading-" + i).withSource(URI.create("/schools"))
                .withType(TYPE).withSubject("room-" + (i % 2))
                .withData("application/json", ("{\"co2\":" + (600 + i) + "}").getBytes(StandardCharsets.UTF_8))
                .build(), MEMBER));
        }
        if (version < 3) {
            List<Long> seqs = new ArrayList<>();
            for (NewEvent e : batch) {
                long seq = seqs.size() + 1;
                update(c, "INSERT INTO bus_event (seq, member, type, source, id, subject, stored_at, content_type, "
                    + "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", seq, e.member(), e.event().getType(),
                    e.event().getSource().toString(), e.event().getId(), e.event().getSubject(), now,
                    e.event().getDataContentType(), e.event().getData().toBytes());
                seqs.add(seq);
            }
            return seqs;
        }
        H2EventLog.Settings settings = H2EventLog.Settings.DEFAULTS;
        EventLog log = version < CHUNKS_BY_DEFAULT ? H2EventLog.start(db.dataSource(), settings)
            : ChunkedEventLog.start(db.dataSource(), settings);
        try {
            return log.append(batch).join().stream().map(AppendResult::sequence).toList();
        } finally {
            log.close();
        }
    }

    /** The archives in the plugins folder as installed at that hub's first start. */
    private static void archives(Connection c, Path plugins, Instant now) throws SQLException {
        try (Stream<Path> files = Files.list(plugins)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                update(c, "INSERT INTO plugin_archive (file_name, plugin_id, sha256, origin, installed_at) "
                    + "VALUES (?, ?, ?, ?, ?)", name, name.replaceAll("-\\d+\\.\\d+\\.\\d+\\.zip$", ""), sha256(file),
                    "first-start", now);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        update(c, "INSERT INTO hub_setting (name, val) VALUES (?, ?)", "plugins.folder-taken-over", now.toString());
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i] instanceof Instant t ? Timestamp.from(t) : values[i]);
            }
            ps.executeUpdate();
        }
    }
}
