package de.datenhafen.core.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camel's stock components bind an option's {@code #class:} value by making the class: a plugin that writes a config
 * value into a {@code timer:} URI would let the integration's editor truncate a file. The hub's context refuses it
 * for every endpoint, however the option is written; a plain Camel context shows what it stops.
 */
class HubCamelContextTest {

    private static final String CONTENT = "the hub's key, say";

    @TempDir
    Path dir;

    private String handler(Path victim) {
        return "exceptionHandler=#class:java.io.FileOutputStream('" + victim.toString().replace("\\", "/") + "')";
    }

    @Test
    void plainCamelMakesTheClassAnOptionNames() throws Exception {
        Path victim = victim();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            // the file is opened (truncated) before Camel finds it is no exception handler
            assertThatThrownBy(() -> camel.getEndpoint("timer:t?period=60000&" + handler(victim)))
                .hasStackTraceContaining("java.io.FileOutputStream@");
        }
        assertThat(Files.readString(victim)).as("the control: Camel truncated the file").isEmpty();
    }

    @Test
    void theHubsContextRefusesItInARouteAndInAProducerHoweverItIsWritten() throws Exception {
        Path victim = victim();
        String option = handler(victim);
        try (CamelContext camel = new HubCamelContext()) {
            camel.start();
            for (String uri : new String[] {"timer:t?period=60000&" + option,
                "timer:t?period=60000&" + option.replace("#", "%23"), // percent-encoded
                "timer:t?period=60000&" + option.replace("#", "%2523"), // twice
                "timer:t?period=60000&exceptionHandler=RAW(" + option.substring(option.indexOf('=') + 1) + ")",
                "timer:t?period=60000%26" + option.replace("#", "%23"), // an option hidden in another's value
                "log:x?level=INFO&" + option.replace("#class:", "#CLASS:")}) {
                assertThatThrownBy(() -> camel.getEndpoint(uri)).as(uri)
                    .hasStackTraceContaining("endpoint URI holds #class:, which would make Camel create a class");
            }
            assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:r?period=60000&" + option).routeId("careless").to("log:x");
                }
            })).hasStackTraceContaining("timer endpoint URI holds #class:").hasStackTraceContaining("careless");
            // a dynamic endpoint, made while a message passes
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:in").routeId("dynamic").toD("log:x?${body}");
                }
            });
            assertThatThrownBy(() -> camel.createProducerTemplate().sendBody("direct:in", option))
                .hasStackTraceContaining("log endpoint URI holds #class:");
            assertThat(camel.getEndpoint("timer:ok?period=1000&delay=5")).isNotNull(); // values pass
            assertThat(camel.getEndpoint("log:x?marker=%23tag")).isNotNull();
        }
        assertThat(Files.readString(victim)).isEqualTo(CONTENT);
    }

    @Test
    void plainCamelPutsTheHubsEnvironmentWhereAPlaceholderStandsEvenInRaw() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            assertThat(camel.getEndpoint("log:x?marker=RAW({{sys:java.home}})").getEndpointUri())
                .as("the control").contains(System.getProperty("java.home"));
        }
    }

    @Test
    void theHubsContextResolvesNoPlaceholderInAnEndpointOrElsewhereInARoute() throws Exception {
        try (CamelContext camel = new HubCamelContext()) {
            camel.start();
            for (String uri : new String[] {"log:x?marker=RAW({{sys:java.home}})", "log:x?marker={{env:PATH}}",
                "log:x?marker=%7B%7Bsys:java.home%7D%7D", "log:x?marker=%257B%257Bsys:java.home%257D%257D",
                "log:{{sys:java.home}}"}) {
                assertThatThrownBy(() -> camel.getEndpoint(uri)).as(uri)
                    .hasStackTraceContaining("log endpoint URI holds {{: property placeholders ({{...}}) are off in "
                        + "the hub").satisfies(e -> assertThat(stackTrace(e))
                        .doesNotContain(System.getProperty("java.home")));
            }
            assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:p").routeId("logs-a-placeholder").log("home is {{sys:java.home}}");
                }
            })).hasStackTraceContaining("property placeholders ({{...}}) are off in the hub");
        }
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    @Test
    void aValueEncodedOverAndOverIsRefusedAfterAFewRoundsInsteadOfDecodedForEver() {
        assertThat(EndpointOptions.makesClass("period=1000&a=%" + "25".repeat(20_000) + "23class:x")).isTrue();
        assertThat(EndpointOptions.makesClass("period=1000&a=%" + "25".repeat(20_000) + "41")).isTrue(); // fails closed
        assertThat(EndpointOptions.makesClass("a=%2525252523class:x")).isTrue();
        assertThat(EndpointOptions.makesClass("a=100%25&b=%%zz&c=%")).isFalse();
    }

    private Path victim() throws java.io.IOException {
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, CONTENT);
        return victim;
    }
}
