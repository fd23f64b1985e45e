package de.datenhafen.core.ops;

/**
 * One readiness check's outcome.
 *
 * @param name what was checked: {@code database}, {@code camel}, {@code bus}, {@code plugin:<id>}
 * @param up whether it is up
 * @param reason why not, else null
 */
public record HealthCheck(String name, boolean up, String reason) {

    public static HealthCheck up(String name) {
        return new HealthCheck(name, true, null);
    }

    public static HealthCheck down(String name, String reason) {
        return new HealthCheck(name, false, reason);
    }
}
