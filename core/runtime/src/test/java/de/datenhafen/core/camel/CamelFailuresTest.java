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
}
