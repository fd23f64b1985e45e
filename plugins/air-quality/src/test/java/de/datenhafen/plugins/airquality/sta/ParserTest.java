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
    void aDigitOfAnotherScriptIsA400NotACrash() {
        // found by SensorThingsFilterFuzzTest in CI: U+06F8 passed Character.isDigit, then matched no number pattern
        assertThatThrownBy(() -> Parser.filter("result eq \u06F8"))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.status).isEqualTo(400);
                assertThat(e.field).isEqualTo("$filter");
                assertThat(e.position).isEqualTo(10);
            });
    }

    @Test
    void aPointWhoseNumberHasTwoDecimalPointsIsA400NotACrash() {
        // found by SensorThingsFilterFuzzTest: the point pattern took "5.863.97", Double.parseDouble did not
        assertThatThrownBy(() -> Parser.filter("geo.distance(location, geography'POINT(10 5.863.97)') lt 1"))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.status).isEqualTo(400);
                assertThat(e.getMessage()).endsWith("only POINT(lon lat) geography literals are supported");
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

    @Test
    void tenThousandNestedParenthesesAreA400NotAStackOverflow() {
        String deep = "(".repeat(10_000) + "id eq 1" + ")".repeat(10_000);

        assertThatThrownBy(() -> Parser.filter(deep)).isInstanceOfSatisfying(StaException.class, e -> {
            assertThat(e.status).isEqualTo(400);
            assertThat(e.field).isEqualTo("$filter");
            assertThat(e.position).isEqualTo(Parser.MAX_DEPTH);
            assertThat(e.getMessage()).isEqualTo("invalid $filter at position 50: nested deeper than 50 levels "
                + "(parentheses, not, minus and function calls)");
        });
    }

    @Test
    void aLongChainOfNotsOrMinusesIsRefusedLikeParentheses() {
        assertThatThrownBy(() -> Parser.filter("not ".repeat(5_000) + "true"))
            .hasMessageContaining("nested deeper than 50 levels");
        assertThatThrownBy(() -> Parser.filter("id eq " + "-".repeat(5_000) + "1"))
            .hasMessageContaining("nested deeper than 50 levels");
        assertThatThrownBy(() -> Parser.filter("length(".repeat(60) + "name" + ")".repeat(60) + " eq 1"))
            .hasMessageContaining("nested deeper than 50 levels");
    }

    @Test
    void anExpressionOfMoreThanAThousandPartsIsRefused() {
        String chain = String.join(" or ", java.util.Collections.nCopies(300, "id eq 1")); // 4 parts each

        assertThatThrownBy(() -> Parser.filter(chain)).isInstanceOfSatisfying(StaException.class, e -> {
            assertThat(e.field).isEqualTo("$filter");
            assertThat(e.getMessage()).endsWith("the expression has more than 1000 parts");
        });
        assertThat(Parser.filter(String.join(" or ", java.util.Collections.nCopies(250, "id eq 1")))).isNotNull();
    }

    @Test
    void aStringLiteralLongerThanAThousandCharactersIsRefusedAtItsStart() {
        assertThatThrownBy(() -> Parser.filter("name eq '" + "x".repeat(1_001) + "'"))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.position).isEqualTo(8);
                assertThat(e.getMessage()).isEqualTo("invalid $filter at position 8: the string starting here is "
                    + "longer than 1000 characters");
            });
    }

    @Test
    void aNumberBeyondTheDoubleRangeIsRefusedNamingIt() {
        assertThatThrownBy(() -> Parser.filter("result gt 1e400"))
            .hasMessage("invalid $filter at position 10: the number '1e400' is beyond the range of numbers (at most "
                + "about 1.8e308)");
    }

    @Test
    void arithmeticThatOverflowsIsA400NamingTheFilter() {
        Eval eval = new Eval(new Model.Graph(new StaBackend.View(Map.of(), Map.of(), Map.of())), Instant.now());
        for (String f : List.of("1e308 mul 10 gt 1", "9223372036854775807 add 1 gt 1", "-1e308 sub 1e308 lt 0")) {
            Expr x = Parser.filter(f);
            assertThatThrownBy(() -> eval.value(x, null)).as(f).isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.status).isEqualTo(400);
                assertThat(e.field).isEqualTo("$filter");
                assertThat(e.getMessage()).contains("goes beyond the range of numbers");
            });
        }
    }

    @Test
    void textThatConcatBuildsIsKeptToTenThousandCharacters() {
        String piece = "'" + "x".repeat(900) + "'";
        String twelve = "concat(".repeat(11) + piece + ("," + piece + ")").repeat(11);
        String eleven = "concat(".repeat(10) + piece + ("," + piece + ")").repeat(10);
        Eval eval = new Eval(new Model.Graph(new StaBackend.View(Map.of(), Map.of(), Map.of())), Instant.now());

        assertThatThrownBy(() -> eval.value(Parser.filter("length(" + twelve + ") gt 1"), null))
            .hasMessageEndingWith("concat would give text of 10800 characters; at most 10000");
        assertThat(eval.value(Parser.filter("length(" + eleven + ") eq 9900"), null)).isEqualTo(true);
    }

    @Test
    void expandDeeperThanTheLimitIsRefusedNamingTheLimitAndWhere() {
        String fifty = String.join("/", java.util.Collections.nCopies(25, "Datastreams/Thing"));

        assertThatThrownBy(() -> Query.parse(Map.of("$expand", fifty), 3))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.status).isEqualTo(400);
                assertThat(e.field).isEqualTo("$expand");
                assertThat(e.position).isZero();
                assertThat(e.getMessage()).endsWith("nests $expand 50 levels deep; at most 3 (max-expand-depth)");
            });
        assertThatThrownBy(() -> Query.parse(Map.of("$expand", "Datastreams($expand=Thing($expand="
            + "Datastreams($expand=Thing)))"), 3))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.field).isEqualTo("$expand");
                assertThat(e.getMessage()).contains("nests $expand 4 levels deep; at most 3 (max-expand-depth)");
            });
        assertThat(Query.parse(Map.of("$expand", "Datastreams/Thing/Locations"), 3).expand()).hasSize(1);
    }

    @Test
    void deeplyNestedExpandParenthesesAreRefusedBeforeTheyAreFollowed() {
        String deep = "Datastreams($expand=".repeat(5_000) + "Thing" + ")".repeat(5_000);

        assertThatThrownBy(() -> Query.parse(Map.of("$expand", deep.substring(0, 8_000)), 3))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.field).isEqualTo("$expand"));
        assertThatThrownBy(() -> Query.parse(Map.of("$expand", deep), 3))
            .hasMessage("$expand has " + deep.length() + " characters; at most 8192 are read");
    }
}
