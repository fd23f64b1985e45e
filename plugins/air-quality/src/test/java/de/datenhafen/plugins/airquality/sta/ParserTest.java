package de.datenhafen.plugins.airquality.sta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The $filter / $orderby / $expand parser: precedence, literals, functions, and errors with their positions. */
class ParserTest {

    /** The tree as a compact string, to compare shapes. */
    static String show(Expr e) {
        if (e instanceof Expr.Literal l) {
            return l.value() instanceof String s ? "'" + s + "'" : String.valueOf(l.value());
        }
        if (e instanceof Expr.Path p) {
            return p.text();
        }
        if (e instanceof Expr.Unary u) {
            return "(" + u.op() + " " + show(u.operand()) + ")";
        }
        if (e instanceof Expr.Binary b) {
            return "(" + show(b.left()) + " " + b.op() + " " + show(b.right()) + ")";
        }
        Expr.Call c = (Expr.Call) e;
        return c.name() + c.args().stream().map(ParserTest::show).toList();
    }

    @Test
    void andBindsTighterThanOr() {
        assertThat(show(Parser.filter("a eq 1 or b eq 2 and c eq 3")))
            .isEqualTo("((a eq 1) or ((b eq 2) and (c eq 3)))");
    }

    @Test
    void parenthesesOverridePrecedence() {
        assertThat(show(Parser.filter("(a eq 1 or b eq 2) and c eq 3")))
            .isEqualTo("(((a eq 1) or (b eq 2)) and (c eq 3))");
    }

    @Test
    void notAppliesToTheWholeComparisonAfterIt() {
        assertThat(show(Parser.filter("not name eq 'x' and id gt 2")))
            .isEqualTo("((not (name eq 'x')) and (id gt 2))");
    }

    @Test
    void multiplicationBindsTighterThanAdditionAndArithmeticTighterThanComparison() {
        assertThat(show(Parser.filter("result add 2 mul 3 sub -1 gt 10 div 2 mod 3")))
            .isEqualTo("(((result add (2 mul 3)) sub (- 1)) gt ((10 div 2) mod 3))");
    }

    @Test
    void readsNavigationPathsFunctionsAndTypedLiterals() {
        Expr e = Parser.filter("startswith(Datastream/Thing/name, 'Klasse''s') and phenomenonTime ge "
            + "2026-11-01T08:00:00+01:00 and date(resultTime) eq 2026-11-01 and "
            + "geo.distance(location, geography'POINT(10.68 53.87)') lt 0.5 and result eq 1.5e2");

        assertThat(show(e)).isEqualTo("((((startswith[Datastream/Thing/name, 'Klasse's'] and (phenomenonTime ge "
            + "2026-11-01T07:00:00Z)) and (date[resultTime] eq 2026-11-01)) and (geo.distance[location, "
            + "Geo[lon=10.68, lat=53.87]] lt 0.5)) and (result eq 150.0))");
    }

    @Test
    void takesAPlusSignThatArrivedAsASpaceInATimeOffset() {
        Expr e = Parser.filter("phenomenonTime lt 2026-11-01T08:00:00 01:00");

        assertThat(((Expr.Literal) ((Expr.Binary) e).right()).value())
            .isEqualTo(Instant.parse("2026-11-01T07:00:00Z"));
    }

    @Test
    void namesThePositionWhereTheFilterEndsTooEarly() {
        assertThatThrownBy(() -> Parser.filter("name eq"))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.field).isEqualTo("$filter");
                assertThat(e.position).isEqualTo(7);
                assertThat(e.getMessage()).isEqualTo("invalid $filter at position 7: the expression ends too early");
            });
    }

    @Test
    void namesTheStartOfAnUnclosedString() {
        assertThatThrownBy(() -> Parser.filter("name eq 'Klasse 1a"))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.position).isEqualTo(8));
    }

    @Test
    void namesAnUnknownFunctionAndWhereItIs() {
        assertThatThrownBy(() -> Parser.filter("id gt 1 and shout(name) eq 'A'"))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.position).isEqualTo(12);
                assertThat(e.getMessage()).startsWith("invalid $filter at position 12: unknown function 'shout'");
            });
    }

    @Test
    void refusesAWrongNumberOfArguments() {
        assertThatThrownBy(() -> Parser.filter("startswith(name)"))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.getMessage())
                .isEqualTo("invalid $filter at position 0: startswith takes 2 argument(s), not 1"));
    }

    @Test
    void refusesTrailingInputAfterACompleteExpression() {
        assertThatThrownBy(() -> Parser.filter("id eq 1 id"))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.position).isEqualTo(8);
                assertThat(e.getMessage()).contains("expected the end of the filter, found 'id'");
            });
    }

    @Test
    void refusesAnOperatorWhereAValueBelongs() {
        assertThatThrownBy(() -> Parser.filter("name eq and"))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.position).isEqualTo(8));
    }

    @Test
    void readsSeveralOrderItemsWithDirections() {
        List<Parser.Order> order = Parser.orderBy("phenomenonTime desc, result,id asc");

        assertThat(order).extracting(o -> show(o.expr()) + (o.descending() ? " desc" : ""))
            .containsExactly("phenomenonTime desc", "result", "id");
    }

    @Test
    void namesTheOrderOptionAndPositionOfAnUnknownDirection() {
        assertThatThrownBy(() -> Parser.orderBy("name sideways"))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.field).isEqualTo("$orderby");
                assertThat(e.position).isEqualTo(5);
            });
    }

    @Test
    void readsNestedExpandsWithTheirOwnOptions() {
        Query q = Query.parse(Map.of("$expand", "Datastreams($filter=id gt 2;$expand=Observations($top=3;"
            + "$orderby=phenomenonTime desc)),Locations"));

        assertThat(q.expand()).extracting(Query.Expand::nav).containsExactly("Datastreams", "Locations");
        Query ds = q.expand().get(0).query();
        assertThat(show(ds.filter())).isEqualTo("(id gt 2)");
        Query obs = ds.expand().get(0).query();
        assertThat(ds.expand().get(0).nav()).isEqualTo("Observations");
        assertThat(obs.top()).isEqualTo(3);
        assertThat(obs.orderBy().get(0).descending()).isTrue();
    }

    @Test
    void aPathInExpandExpandsEachStep() {
        Query q = Query.parse(Map.of("$expand", "Datastreams/Thing,Datastreams/Sensor"));

        assertThat(q.expand()).hasSize(1);
        assertThat(q.expand().get(0).query().expand()).extracting(Query.Expand::nav)
            .containsExactly("Thing", "Sensor");
    }

    @Test
    void reportsAnErrorInsideAnExpandAtItsPositionInTheWholeOption() {
        assertThatThrownBy(() -> Query.parse(Map.of("$expand", "Datastreams($filter=name eq)")))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.field).isEqualTo("$expand");
                assertThat(e.position).isEqualTo(27);
                assertThat(e.getMessage()).isEqualTo("invalid $expand at position 27 (in $filter): the expression "
                    + "ends too early");
            });
    }

    @Test
    void refusesANegativeTopAndAnUnknownOption() {
        assertThatThrownBy(() -> Query.parse(Map.of("$top", "-1")))
            .hasMessage("$top must be a whole number of 0 or more, not '-1'");
        assertThatThrownBy(() -> Query.parse(Map.of("$resultFormat", "dataArray")))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.field).isEqualTo("$resultFormat"));
    }
}
