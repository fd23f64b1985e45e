package de.datenhafen.plugins.airquality;

import java.time.Instant;
import java.util.Objects;

/**
 * One decoded, validated measurement of one device: CO2 in ppm, temperature in degrees Celsius, relative humidity in
 * percent and air pressure in hPa ({@code null} when the device did not send it).
 */
record Reading(String device, Instant time, double co2, double temperature, double humidity, Double pressure) {

    Reading {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(time, "time");
    }
}
