package de.datenhafen.core.camel;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.PayloadTooLargeException;
import de.datenhafen.api.RefusedException;
import de.datenhafen.api.RetryableException;
import de.datenhafen.api.UnauthorizedException;
import de.datenhafen.api.UnsupportedMediaTypeException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * The one error handling of every plugin route (a Camel route configuration without id, which Camel applies to each
 * route that names none). A plugin's HTTP route that throws one of the API's answers to a caller (invalid input, not
 * found, conflict, refused, unauthorized, forbidden, too large, wrong media type, retry later) has that exception
 * handled here: the route stops, {@link HubHttpConsumer} answers it with the hub's one JSON error shape and status
 * ({@code http.Errors}), and the integration does not count a failed message or show it as its last error; a caller's
 * mistake is not the integration's. Anything else (a bug, a database error) stays a failure: counted, logged under the
 * request's id, answered 500 without internals. Routes that do not start at {@code hub-http:} (bus consumers, timers)
 * keep failing as before, so the bus redelivers and dead-letters as it always did.
 */
final class PluginRouteErrors extends RouteConfigurationBuilder {

    /** Exchange property holding the handled exception that {@link HubHttpConsumer} answers. */
    static final String ANSWER = "datenhafen.answerError";

    @Override
    public void configuration() {
        routeConfiguration()
            .onException(InvalidInputException.class, NotFoundException.class, ConflictException.class,
                RefusedException.class, UnauthorizedException.class, ForbiddenException.class,
                PayloadTooLargeException.class, UnsupportedMediaTypeException.class, RetryableException.class)
                .onWhen(PluginRouteErrors::fromHttp)
                .handled(true)
                .process(e -> e.setProperty(ANSWER, e.getProperty(Exchange.EXCEPTION_CAUGHT)))
            .end();
    }

    private static boolean fromHttp(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof HubHttpEndpoint;
    }
}
