package de.datenhafen.core.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** A route that could not be made, as an admin reads it: its id and its cause, not Camel's dump of the route. */
class CamelFailuresTest {

    @Test
    void aRouteThatCouldNotBeMadeIsItsIdAndItsCauseWithoutTheClassesOfItsProcessors() throws Exception {
        Throwable failure;
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            failure = catchThrowable(() -> camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:in").routeId("alerts.deliver").process(x -> x.getMessage().setBody("x"))
                        .to("no-such-component:target?password=hunter22");
                }
            }));
        }
        assertThat(failure).isInstanceOf(FailedToCreateRouteException.class);
        assertThat(failure.getMessage()).as("what Camel says").contains(">>> to[", "<<< in route: Route(");

        String said = CamelFailures.message(failure);
        assertThat(said).startsWith("route alerts.deliver could not be made: ")
            .contains("No endpoint could be found for: no-such-component://target")
            .doesNotContain(">>>", "in route:", "Processor@", "hunter22");
        assertThat(CamelFailures.described(failure)).isEqualTo(said);
        assertThat(CamelFailures.described(new IllegalStateException("gateway down")))
            .isEqualTo("IllegalStateException: gateway down");
        assertThat(CamelFailures.message(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    /**
     * A failure of the hub's database, however deep in the causes, is said as such and without the database's words
     * (its SQL, table and column, error code were an integration's lastError, shown in the API and the console).
     */
    @Test
    void aFailureOfTheDatabaseIsSaidWithoutItsSql() {
        java.sql.SQLException sql = new java.sql.SQLException("Value too long for column \"TYPE_PATTERNS "
            + "CHARACTER VARYING(4000)\"; SQL statement: INSERT INTO bus_subscription (name) VALUES (?) [22001-240]");
        RuntimeException wrapped = new RuntimeException(new de.datenhafen.api.HubException("cannot create "
            + "subscription log-sink-x: " + sql.getMessage(), null, sql));

        assertThat(CamelFailures.message(wrapped)).isEqualTo(CamelFailures.STORAGE);
        assertThat(CamelFailures.described(wrapped)).isEqualTo(CamelFailures.STORAGE)
            .doesNotContain("INSERT", "bus_subscription", "22001");
        assertThat(CamelFailures.storage(new IllegalStateException("gateway down"))).isFalse();
    }
}
