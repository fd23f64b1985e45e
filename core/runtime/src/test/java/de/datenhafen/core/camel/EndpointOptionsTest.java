package de.datenhafen.core.camel;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hub's endpoints take their own options, as values: no option Camel would bind by reflection, no reference. */
class EndpointOptionsTest {

    @Test
    void refusesAReferenceNamingTheOptionButNotItsValue() {
        Map<String, Object> options = Map.of("subjectPrefix", "s/", "exceptionHandler",
            " #class:java.io.FileOutputStream('/data/db.key')");

        assertThatThrownBy(() -> EndpointOptions.noReferences("bus", options))
            .hasMessage("bus endpoint option exceptionHandler refers to a bean or a class (a value starting with #): "
                + "the hub's endpoints take values only");
        assertThatCode(() -> EndpointOptions.noReferences("bus", Map.of("subjectPrefix", "a#b"))).doesNotThrowAnyException();
    }

    @Test
    void refusesAnOptionLeftOverAfterTheEndpointTookItsOwn() {
        Map<String, Object> leftOver = new HashMap<>(Map.of("exchangePattern", "InOut", "bridgeErrorHandler", "true"));

        assertThatThrownBy(() -> EndpointOptions.onlyOwn("webhook", leftOver))
            .hasMessage("webhook endpoint takes no option bridgeErrorHandler, exchangePattern");
        assertThatCode(() -> EndpointOptions.onlyOwn("webhook", new HashMap<>())).doesNotThrowAnyException();
    }
}
