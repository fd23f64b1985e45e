package de.datenhafen.plugins.airquality;

/**
 * The values a monitor can report, one range per quantity: a reading outside is refused, whichever way it comes
 * (HTTP, MQTT or a SensorThings Observation). The sensors' own measuring ranges, with room to spare.
 */
public enum Plausible {

    /** CO2 in ppm. */
    CO2(0, 40_000),
    /** Temperature in °C. */
    TEMPERATURE(-40, 85),
    /** Relative humidity in %. */
    HUMIDITY(0, 100),
    /** Air pressure in hPa. */
    PRESSURE(300, 1100);

    private final double min;
    private final double max;

    Plausible(double min, double max) {
        this.min = min;
        this.max = max;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public boolean contains(double value) {
        return value >= min && value <= max;
    }

    /** {@code "between 0 and 40000"}, for messages. */
    public String bounds() {
        return "between " + plain(min) + " and " + plain(max);
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
