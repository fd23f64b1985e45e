package de.datenhafen.plugins.airquality.sta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The request's path and query options as the handler decodes them. */
class SensorThingsHandlerTest {

    @Test
    void decodesPlusAsSpaceAndPercentEscapesInOptions() {
        assertThat(SensorThingsConnector.Handler.options("$filter=name+eq+%27a%2Bb%27&$top=2"))
            .containsEntry("$filter", "name eq 'a+b'").containsEntry("$top", "2");
    }

    @Test
    void aMalformedPercentEscapeInAnOptionIs400NotA500() {
        assertThatThrownBy(() -> SensorThingsConnector.Handler.options("$filter=name%20eq%20'100%'"))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.status).isEqualTo(400);
                assertThat(e.field).isEqualTo("$filter");
            });
    }

    @Test
    void anOptionGivenTwiceIs400AndOtherParametersAreNotOptions() {
        assertThatThrownBy(() -> SensorThingsConnector.Handler.options("$top=1&$top=1000"))
            .isInstanceOfSatisfying(StaException.class, e -> {
                assertThat(e.status).isEqualTo(400);
                assertThat(e.field).isEqualTo("$top");
                assertThat(e.getMessage()).isEqualTo("$top is given 2 times; give it once");
            });
        assertThat(SensorThingsConnector.Handler.options("x=1&x=2&$skip=3")).containsExactly(
            java.util.Map.entry("$skip", "3"));
    }

    @Test
    void aMalformedPercentEscapeInThePathIs400NotA500() {
        assertThatThrownBy(() -> SensorThingsConnector.Handler.path("/sta/v1.1/Locations('a%zz')"))
            .isInstanceOfSatisfying(StaException.class, e -> assertThat(e.status).isEqualTo(400));
        assertThat(SensorThingsConnector.Handler.path("/sta/v1.1/Locations('a+b%20c')"))
            .isEqualTo("/sta/v1.1/Locations('a+b c')");
    }
}
