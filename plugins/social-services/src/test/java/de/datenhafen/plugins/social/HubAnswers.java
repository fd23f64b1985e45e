package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.api.ConflictException;
import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.HubException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.PayloadTooLargeException;
import de.datenhafen.api.RefusedException;
import de.datenhafen.api.RetryableException;
import de.datenhafen.api.UnauthorizedException;

/**
 * Calls the directory's API as the hub would, for unit tests without a hub: a refusal the API throws becomes the
 * status and {@code {"error","field"}} the hub answers it with (the hub's own mapping is tested in the testkit's
 * PluginRouteErrorsTest; the ITs see the real answers). Anything else (a bug) is thrown on.
 */
final class HubAnswers {

    private HubAnswers() {
    }

    static Api.Response of(Api api, Api.Request request) {
        try {
            return api.handle(request);
        } catch (HubException e) {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", e.getMessage());
            if (e.field() != null) {
                body.put("field", e.field());
            }
            return new Api.Response(status(e), body);
        }
    }

    private static int status(HubException e) {
        if (e instanceof InvalidInputException) {
            return 400;
        } else if (e instanceof UnauthorizedException) {
            return 401;
        } else if (e instanceof ForbiddenException) {
            return 403;
        } else if (e instanceof NotFoundException) {
            return 404;
        } else if (e instanceof ConflictException) {
            return 409;
        } else if (e instanceof PayloadTooLargeException) {
            return 413;
        } else if (e instanceof RefusedException) {
            return 422;
        } else if (e instanceof RetryableException) {
            return 503; // with Retry-After, which a test asks the exception for
        }
        throw e;
    }
}
