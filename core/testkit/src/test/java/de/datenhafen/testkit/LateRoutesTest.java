package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import de.datenhafen.core.camel.CamelHost;
import de.datenhafen.core.camel.RouteOwner;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Routes made for an integration that was removed while they were waited for or made (a plugin's making past the
 * plugin call time, then a delete) do not run: a review found they started once the making ended, for an integration
 * nobody had any more, when the removal came before the making took the routes' lock.
 */
class LateRoutesTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    private static RouteBuilder timer(String id) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:" + id + "?period=60000").routeId(id).log("late");
            }
        };
    }

    @Test
    void routesOfAnIntegrationRemovedWhileTheyWereMadeDoNotRun() throws Exception {
        CamelHost camel = hub.hub().camel();
        RouteOwner owner = new RouteOwner("late", "tests", "tests", getClass().getClassLoader());
        long attempt = camel.attempt(); // as the integration's start takes it, before the plugin's routes() runs

        camel.remove("late"); // its delete, while the making is under way

        Throwable made = catchThrowable(() -> camel.addRoutes(owner, timer("late.timer"), false, attempt));
        assertThat(made).isInstanceOf(IllegalStateException.class)
            .hasMessage("integration late was stopped while its routes were being made");
        assertThat(camel.allStarted("late")).isFalse();

        // an add begun after the removal runs, as a new start's does
        assertThat(camel.addRoutes(owner, timer("late.again"), false, camel.attempt())).containsExactly("late.again");
        assertThat(camel.allStarted("late")).isTrue();
        camel.remove("late");
        assertThat(camel.allStarted("late")).isFalse();
    }
}
