package de.datenhafen.core.ops;

/**
 * One readiness check's outcome.
 *
 * @param name what was checked: {@code database}, {@code camel}, {@code plugin:<id>}, {@code integration:<name>}
 * @param status {@code UP}; {@code DOWN} (the hub is not ready); {@code FAILED}: a part that gave up with a reason
 *               an admin must read, which does not keep the rest of the hub from being ready; or {@code WARNING}: ready,
 *               but set up in a way an operator must know (plugin signatures not checked)
 * @param reason why not up, else null
 */
public record HealthCheck(String name, String status, String reason) {

    public static HealthCheck up(String name) {
        return new HealthCheck(name, "UP", null);
    }

    public static HealthCheck down(String name, String reason) {
        return new HealthCheck(name, "DOWN", reason);
    }

    public static HealthCheck failed(String name, String reason) {
        return new HealthCheck(name, "FAILED", reason);
    }

    public static HealthCheck warning(String name, String reason) {
        return new HealthCheck(name, "WARNING", reason);
    }

    /** Whether this check lets the hub be ready. */
    public boolean up() {
        return !status.equals("DOWN");
    }
}
