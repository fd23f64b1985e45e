package de.datenhafen.plugins.airquality.sta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Observations filtered, ordered and paged in SQL on the real schema (H2 in memory), with the same meaning as the
 * in-memory evaluation of the small entity sets.
 */
class ObservationSqlTest {

    static final Instant START = Instant.parse("2026-11-02T07:00:00Z");

    private JdbcDataSource db;
    private Model.Graph graph;
    private Eval eval;

    @BeforeEach
    void setUp() throws SQLException {
        db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V1__air_quality.sql'");
            st.execute("RUNSCRIPT FROM 'classpath:db/plugin/V2__partial_readings.sql'");
            try (PreparedStatement in = c.prepareStatement(
                "INSERT INTO reading (room_key, t, co2, temp, hum, pres) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int room = 1; room <= 2; room++) {
                    for (int i = 0; i < 10; i++) {
                        in.setInt(1, room);
                        in.setInt(2, (int) (START.getEpochSecond() - Model.T0) + i * 300);
                        in.setInt(3, 500 + 100 * i + room);
                        in.setInt(4, 2000 + i);
                        in.setInt(5, 400);
                        if (i % 2 == 0) {
                            in.setInt(6, 10130);
                        } else {
                            in.setNull(6, java.sql.Types.SMALLINT);
                        }
                        in.executeUpdate();
                    }
                }
            }
        }
        StaBackend.Site site = new StaBackend.Site(1, "gs-nord", "Grundschule Nord", "Nordweg 1", 53.87, 10.68);
        graph = new Model.Graph(new StaBackend.View(Map.of("gs-nord", site),
            Map.of(1, new StaBackend.Room(1, "gs-nord", "1.01", "Klasse 1a", "classroom"),
                2, new StaBackend.Room(2, "gs-nord", "1.02", "Klasse 1b", "classroom")), Map.of()));
        eval = new Eval(graph, Instant.parse("2026-11-02T12:00:00Z"));
    }

    private ObservationSql.Page query(List<Long> scope, String filter, String orderBy, int skip, int top) throws
        SQLException {
        return new ObservationSql(db, graph, eval, java.time.Duration.ofSeconds(30)).query(scope,
            filter == null ? null : Parser.filter(filter),
            orderBy == null ? List.of() : Parser.orderBy(orderBy), skip, top, true);
    }

    private static List<Object> results(ObservationSql.Page p) {
        return p.items().stream().map(e -> e.props().get("result")).toList();
    }

    @Test
    void filtersByTimeOrdersNewestFirstAndPagesOneDatastream() throws SQLException {
        ObservationSql.Page p = query(List.of(4L), "phenomenonTime ge 2026-11-02T07:20:00Z", "phenomenonTime desc",
            1, 3);

        assertThat(results(p)).containsExactly(1301.0, 1201.0, 1101.0);
        assertThat(p.more()).isTrue();
        assertThat(p.count()).isEqualTo(6);
    }

    @Test
    void scalesTheStoredValuesAndSkipsAbsentOnes() throws SQLException {
        assertThat(results(query(List.of(5L), "result gt 20.07", null, 0, 100))).containsExactly(20.08, 20.09);
        assertThat(query(List.of(7L), null, null, 0, 100).count()).isEqualTo(5); // pressure only every other time
    }

    @Test
    void resolvesNavigationPathsPerDatastreamBeforeTheDatabaseSeesTheFilter() throws SQLException {
        List<Long> all = ObservationSql.scope(graph, null);

        ObservationSql.Page p = query(all, "Datastream/Thing/name eq 'Klasse 1b' and "
            + "Datastream/ObservedProperty/name eq 'CO2' and result ge 1000", null, 0, 100);

        assertThat(results(p)).containsExactly(1002.0, 1102.0, 1202.0, 1302.0, 1402.0);
        assertThat(p.items().get(0).id()).isEqualTo((2L * 4) * Model.OBSERVATION_SHIFT
            + (START.getEpochSecond() - Model.T0) + 5 * 300);
    }

    @Test
    void walksSeveralDatastreamsInIdOrderAcrossPages() throws SQLException {
        List<Long> all = ObservationSql.scope(graph, null);

        ObservationSql.Page first = query(all, null, null, 0, 8);
        ObservationSql.Page second = query(all, null, null, 8, 8);

        assertThat(first.count()).isEqualTo(2 * (10 + 10 + 10 + 5));
        assertThat(first.items()).extracting(e -> (Long) e.id() / Model.OBSERVATION_SHIFT)
            .containsExactly(4L, 4L, 4L, 4L, 4L, 4L, 4L, 4L);
        assertThat(second.items()).extracting(e -> (Long) e.id() / Model.OBSERVATION_SHIFT)
            .containsExactly(4L, 4L, 5L, 5L, 5L, 5L, 5L, 5L);
    }

    @Test
    void ordersSeveralDatastreamsByResultInTheDatabase() throws SQLException {
        ObservationSql.Page p = query(List.of(4L, 8L), "year(phenomenonTime) eq 2026 and minute(resultTime) lt 10",
            "result desc", 0, 3);

        assertThat(results(p)).containsExactly(602.0, 601.0, 502.0);
    }

    @Test
    void ordersManyDatastreamsByTimeInOneUnionAndFewByMergingTheirKeyOrderedPages() throws SQLException {
        List<Long> scope = List.of(4L, 5L, 8L);
        ObservationSql union = new ObservationSql(db, graph, eval, java.time.Duration.ofSeconds(30));
        union.mergeMax = 0;

        ObservationSql.Page merged = query(scope, null, "phenomenonTime desc, result", 1, 4);
        ObservationSql.Page unioned = union.query(scope, null, Parser.orderBy("phenomenonTime desc, result"), 1, 4,
            true);

        assertThat(results(merged)).containsExactly(1401.0, 1402.0, 20.08, 1301.0);
        assertThat(results(unioned)).isEqualTo(results(merged));
        assertThat(merged.items()).extracting(Model.Entity::id).isEqualTo(unioned.items().stream()
            .map(Model.Entity::id).toList());
        assertThat(merged.more()).isTrue();
        assertThat(unioned.count()).isEqualTo(30);
    }

    @Test
    void evaluatesArithmeticAndRoundingLikeTheInMemoryEvaluation() throws SQLException {
        ObservationSql.Page p = query(List.of(5L), "round(result mul 100) mod 2 eq 0 and result div 2 lt 10.03", null,
            0, 100);

        assertThat(results(p)).containsExactly(20.0, 20.02, 20.04);
    }

    @Test
    void aFilterFalseForEveryDatastreamQueriesNothing() throws SQLException {
        ObservationSql.Page p = query(ObservationSql.scope(graph, null), "Datastream/Thing/name eq 'Aula'", null, 0,
            10);

        assertThat(p.items()).isEmpty();
        assertThat(p.count()).isZero();
    }

    @Test
    void refusesAStringFunctionOnAnObservationsOwnPropertyNamingItsPosition() {
        assertThatThrownBy(() -> query(List.of(4L), "id gt 0 and length(result) gt 2", null, 0, 10))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.position).isEqualTo(12);
                assertThat(e.getMessage()).isEqualTo("invalid $filter at position 12: the function length on an "
                    + "Observation's own properties is not supported on Observations");
            });
    }

    @Test
    void refusesAnUnknownPropertyOfObservations() {
        assertThatThrownBy(() -> query(List.of(4L), "colour eq 'red'", null, 0, 10))
            .hasMessage("invalid $filter at position 0: Observation has no property or navigation property 'colour'");
    }

    @Test
    void findsOneObservationById() throws SQLException {
        long id = 5L * Model.OBSERVATION_SHIFT + (START.getEpochSecond() - Model.T0) + 300;

        Model.Entity o = new ObservationSql(db, graph, eval, java.time.Duration.ofSeconds(30)).byId(id);

        assertThat(o.props().get("result")).isEqualTo(20.01);
        assertThat(o.props().get("phenomenonTime")).isEqualTo(START.plusSeconds(300));
        assertThat(new ObservationSql(db, graph, eval, java.time.Duration.ofSeconds(30)).byId(id + 1)).isNull();
    }

    @Test
    void aQueryPastItsTimeIsStoppedWith503() {
        ObservationSql sql = new ObservationSql(db, graph, eval, java.time.Duration.ZERO);

        assertThatThrownBy(() -> sql.query(List.of(4L), null, List.of(), 0, 10, false))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.status).isEqualTo(503);
                assertThat(e.getMessage()).startsWith("the query took longer than 0 s and was stopped");
            });
    }

    /**
     * One statement of seconds (a room of 50,000 readings, each tested by a filter of twenty divisions, then sorted
     * by result): when its read has used its share of the read budget, the statement is cancelled while it runs and
     * the read is refused with the budget's 503, not left to finish and charge every other read for it.
     */
    @Test
    void aStatementOfAReadThatDrainsTheReadBudgetIsCancelledWhileItRuns() throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO reading (room_key, t, co2, temp, hum) SELECT 3, CAST(X AS INT), "
                + "CAST(MOD(X * 7919, 30000) AS INT), 2000, 400 FROM SYSTEM_RANGE(1, 50000)");
        }
        StaBackend.Site site = new StaBackend.Site(1, "gs-nord", "Grundschule Nord", "Nordweg 1", 53.87, 10.68);
        Model.Graph large = new Model.Graph(new StaBackend.View(Map.of("gs-nord", site),
            Map.of(3, new StaBackend.Room(3, "gs-nord", "1.03", "Klasse 1c", "classroom")), Map.of()));
        Throttle throttle = new Throttle(20_000_000L); // a burst of 40 ms
        ObservationSql sql = new ObservationSql(db, large, new Eval(large, Instant.now()),
            java.time.Duration.ofSeconds(60));

        try (Throttle.Ticket read = throttle.enter()) {
            assertThatThrownBy(() -> sql.query(List.of(12L), Parser.filter("result div 3 ge -1"
                + " and result div 3 ge -1".repeat(20)), Parser.orderBy("result"), 1000, 10, false))
                .isInstanceOfSatisfying(StaException.class, e -> {
                    assertThat(e.status).isEqualTo(503);
                    assertThat(e.getMessage()).startsWith("this read was stopped");
                });
        }
    }

    @Test
    void arithmeticBeyondTheNumbersIsA400NamingTheFilterNotTheStatement() {
        for (String f : List.of("result gt 1e308 mul 10", "id mul 9223372036854775807 gt 1")) {
            assertThatThrownBy(() -> query(List.of(4L, 5L), f, null, 0, 10)).as(f)
                .isInstanceOfSatisfying(StaException.class, e -> {
                    assertThat(e.status).isEqualTo(400);
                    assertThat(e.field).isEqualTo("$filter");
                    assertThat(e.getMessage()).doesNotContain("SELECT").doesNotContain("reading");
                });
        }
    }

    @Test
    void injectionAttemptsInLiteralsAreValuesNotSql() throws SQLException {
        assertThat(query(List.of(4L, 5L), "result eq 1 or phenomenonTime eq 2026-11-02T07:00:00Z and "
            + "'x'' OR 1=1 --' eq 'x'' OR 1=1 --'", null, 0, 100).items()).hasSize(2);
        assertThat(query(List.of(4L, 5L), "Datastream/name eq 'a'') OR TRUE --' or result lt 0", null, 0, 100)
            .items()).isEmpty();
    }
}
