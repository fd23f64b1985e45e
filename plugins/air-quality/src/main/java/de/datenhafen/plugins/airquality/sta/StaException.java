package de.datenhafen.plugins.airquality.sta;

/**
 * A request the SensorThings service cannot serve: the HTTP status, the query option or field at fault, and for
 * query options the 0-based character offset in the option's (decoded) value where the problem starts, or -1.
 */
final class StaException extends RuntimeException {

    final int status;
    final String field;
    final int position;

    StaException(int status, String field, int position, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
        this.position = position;
    }

    static StaException badRequest(String field, int position, String message) {
        return new StaException(400, field, position, message);
    }

    static StaException notFound(String message) {
        return new StaException(404, "path", -1, message);
    }

    /** The same problem, attributed to {@code field} (a nested option is reported as the outer one, e.g. $expand). */
    StaException in(String outerField, int offset) {
        return new StaException(status, outerField, position < 0 ? -1 : position + offset, getMessage());
    }
}
