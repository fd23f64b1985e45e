package de.datenhafen.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's baseline: only the essentials of ingest. Vert.x takes a CloudEvents batch, a worker parses it with
 * the SDK's Jackson module ({@link JsonFormat}, as the hub does), inserts the events with one JDBC batch in one
 * transaction of its own (per request, no group commit) into an embedded H2 file with {@code WRITE_DELAY=0} and the
 * hub's row layout, and answers 202 after the commit. No dedup, no validation beyond the SDK's, no fan-out.
 *
 * <pre>java -cp bench.jar:lib/* de.datenhafen.bench.BaselineServer PORT DATA_DIR [TOKEN]</pre>
 */
public final class BaselineServer {

    private static final String INSERT = "INSERT INTO bus_event (seq, member, type, source, id, subject, event_time, "
        + "stored_at, content_type, data_schema, extensions, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final ObjectMapper mapper = new ObjectMapper().registerModule(JsonFormat.getCloudEventJacksonModule());
    private final AtomicLong seq = new AtomicLong();
    private final String url;
    private final String bearer;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();
    private Vertx vertx;

    private BaselineServer(String url, String token) {
        this.url = url;
        this.bearer = token == null ? null : "Bearer " + token;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: BaselineServer PORT DATA_DIR [TOKEN]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        String url = "jdbc:h2:file:" + dir.resolve("baseline").toAbsolutePath()
            + ";WRITE_DELAY=0;COMPRESS=TRUE;DB_CLOSE_ON_EXIT=FALSE";
        BaselineServer server = new BaselineServer(url, args.length > 2 ? args[2] : null);
        server.createTable();
        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(16));
        server.vertx = vertx;
        vertx.createHttpServer().requestHandler(server::handle).listen(port).toCompletionStage()
            .toCompletableFuture().join();
        System.out.println("baseline listening on " + port + " storing in " + url);
    }

    private void createTable() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS bus_event (seq BIGINT NOT NULL PRIMARY KEY, "
                + "member VARCHAR(128) NOT NULL, type VARCHAR(255) NOT NULL, source VARCHAR(1024) NOT NULL, "
                + "id VARCHAR(255) NOT NULL, subject VARCHAR(1024), event_time TIMESTAMP WITH TIME ZONE, "
                + "stored_at TIMESTAMP WITH TIME ZONE NOT NULL, content_type VARCHAR(255), "
                + "data_schema VARCHAR(1024), extensions VARCHAR(65536), data BYTEA)");
            st.execute("CREATE INDEX IF NOT EXISTS bus_event_type ON bus_event (type, seq)");
        }
    }

    private void handle(HttpServerRequest req) {
        if (req.path().startsWith("/health")) {
            req.response().end("{\"status\":\"UP\"}");
            return;
        }
        if (bearer != null && !bearer.equals(req.getHeader("Authorization"))) {
            req.response().setStatusCode(401).end();
            return;
        }
        req.body()
            .compose(body -> vertx.executeBlocking(() -> store(body.getBytes()), false))
            .onSuccess(first -> req.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                .end("{\"first\":" + first + "}"))
            .onFailure(e -> req.response().setStatusCode(500).end(String.valueOf(e)));
    }

    /** Parses and commits one batch in its own transaction; returns the first sequence. */
    private long store(byte[] body) throws Exception {
        CloudEvent[] events = mapper.readValue(body, CloudEvent[].class);
        Connection c = connection();
        long first = seq.getAndAdd(events.length) + 1;
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (int i = 0; i < events.length; i++) {
                CloudEvent e = events[i];
                ps.setLong(1, first + i);
                ps.setString(2, "bench");
                ps.setString(3, e.getType());
                ps.setString(4, e.getSource().toString());
                ps.setString(5, e.getId());
                ps.setString(6, e.getSubject());
                ps.setObject(7, e.getTime(), Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(8, now, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setString(9, e.getDataContentType());
                ps.setString(10, null);
                ps.setString(11, null);
                ps.setBytes(12, e.getData() == null ? null : e.getData().toBytes());
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
        return first;
    }

    private Connection connection() throws SQLException {
        Connection c = connections.get();
        if (c == null) {
            c = DriverManager.getConnection(url, "sa", "");
            c.setAutoCommit(false);
            connections.set(c);
        }
        return c;
    }
}
