package de.datenhafen.plugins.airquality.sta;

import de.datenhafen.plugins.airquality.Plausible;

/**
 * The quantities a monitor measures, each a Datastream per room. {@code column} and {@code scale} say how the
 * plugin's reading table stores it (a SMALLINT of value times scale); {@code range} is what ingest accepts.
 */
public enum Quantity {

    CO2("co2", "co2", 1, "CO2", "Carbon dioxide concentration", "parts per million", "ppm",
        "http://qudt.org/vocab/unit/PPM", "http://vocab.nerc.ac.uk/collection/P07/current/CFSN0027/",
        "NDIR CO2 sensor", "Non-dispersive infrared carbon dioxide sensor of the indoor air-quality monitors",
        Plausible.CO2),
    TEMPERATURE("temperature", "temp", 100, "Temperature", "Air temperature", "degree Celsius", "°C",
        "http://qudt.org/vocab/unit/DEG_C", "http://vocab.nerc.ac.uk/collection/P07/current/CFSN0023/",
        "Temperature sensor", "Digital temperature sensor (combined with humidity) of the monitors",
        Plausible.TEMPERATURE),
    HUMIDITY("humidity", "hum", 10, "Relative humidity", "Relative humidity of the air", "percent", "%",
        "http://qudt.org/vocab/unit/PERCENT", "http://vocab.nerc.ac.uk/collection/P07/current/CFSN0413/",
        "Humidity sensor", "Capacitive relative humidity sensor (combined with temperature) of the monitors",
        Plausible.HUMIDITY),
    PRESSURE("pressure", "pres", 10, "Air pressure", "Atmospheric air pressure", "hectopascal", "hPa",
        "http://qudt.org/vocab/unit/HectoPA", "http://vocab.nerc.ac.uk/collection/P07/current/CFSN0015/",
        "Barometric pressure sensor", "MEMS barometric pressure sensor of the monitors", Plausible.PRESSURE);

    final String key;
    final String column;
    final int scale;
    final String label;
    final String propertyDescription;
    final String unitName;
    final String unitSymbol;
    final String unitDefinition;
    final String propertyDefinition;
    final String sensorName;
    final String sensorDescription;
    final Plausible range;

    Quantity(String key, String column, int scale, String label, String propertyDescription, String unitName,
             String unitSymbol, String unitDefinition, String propertyDefinition, String sensorName,
             String sensorDescription, Plausible range) {
        this.key = key;
        this.column = column;
        this.scale = scale;
        this.label = label;
        this.propertyDescription = propertyDescription;
        this.unitName = unitName;
        this.unitSymbol = unitSymbol;
        this.unitDefinition = unitDefinition;
        this.propertyDefinition = propertyDefinition;
        this.sensorName = sensorName;
        this.sensorDescription = sensorDescription;
        this.range = range;
    }

    /** The event data's name for it ({@code co2}, {@code temperature}, ...). */
    public String key() {
        return key;
    }

    /** The value as SQL over the reading table: the column divided by its scale. */
    String sqlValue() {
        return scale == 1 ? column : "(" + column + " / " + scale + ".0)";
    }

    double value(int stored) {
        return scale == 1 ? stored : stored / (double) scale;
    }
}
