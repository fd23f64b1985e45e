package de.datenhafen.plugins.airquality;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reading means, by the German guidance: CO2 bands of the Umweltbundesamt (green below 1,000 ppm, yellow
 * 1,000 to 2,000, red above 2,000), comfortable temperature 20 to 26 degC and humidity 40 to 65 %, and the "too humid"
 * flag of the workplace rule ASR A3.6, whose upper limit of relative humidity falls with temperature (80 % at 20 degC,
 * 70 % at 22, 62 % at 24, 55 % at 26; interpolated between, held outside). Thresholds are config; the ASR table is
 * not (it is the rule).
 */
record Bands(double co2YellowFrom, double co2RedAbove, double temperatureMin, double temperatureMax,
             double humidityMin, double humidityMax, double alertCo2Above, Duration alertAfter,
             Duration alertMaxGap) {

    static final Bands DEFAULT = new Bands(1000, 2000, 20, 26, 40, 65, 2000, Duration.ofMinutes(30),
        Duration.ofMinutes(20));

    enum Co2 { GREEN, YELLOW, RED }

    private static final double[][] ASR_A3_6 = {{20, 80}, {22, 70}, {24, 62}, {26, 55}};

    static ConfigDef.Builder declare(ConfigDef.Builder b) {
        return b.define("co2-yellow-from", ConfigType.DOUBLE, DEFAULT.co2YellowFrom, false,
                "CO2 in ppm from which a room is yellow (below: green)")
            .define("co2-red-above", ConfigType.DOUBLE, DEFAULT.co2RedAbove, false,
                "CO2 in ppm above which a room is red")
            .define("temperature-min", ConfigType.DOUBLE, DEFAULT.temperatureMin, false,
                "Lowest comfortable temperature in degC")
            .define("temperature-max", ConfigType.DOUBLE, DEFAULT.temperatureMax, false,
                "Highest comfortable temperature in degC")
            .define("humidity-min", ConfigType.DOUBLE, DEFAULT.humidityMin, false,
                "Lowest comfortable relative humidity in %")
            .define("humidity-max", ConfigType.DOUBLE, DEFAULT.humidityMax, false,
                "Highest comfortable relative humidity in %")
            .define("alert-co2-above", ConfigType.DOUBLE, DEFAULT.alertCo2Above, false,
                "An alert is raised when CO2 stays above this many ppm ...")
            .define("alert-after", ConfigType.DURATION, "30m", false,
                "... for longer than this, by the readings' own times")
            .define("alert-max-gap", ConfigType.DURATION, "20m", false,
                "Readings further apart than this do not count as the air staying bad in between");
    }

    static Bands from(Config c) {
        Bands b = new Bands(c.getDouble("co2-yellow-from"), c.getDouble("co2-red-above"),
            c.getDouble("temperature-min"), c.getDouble("temperature-max"), c.getDouble("humidity-min"),
            c.getDouble("humidity-max"), c.getDouble("alert-co2-above"), c.getDuration("alert-after"),
            c.getDuration("alert-max-gap"));
        return b;
    }

    /**
     * The bands' rule across keys, for the connector's validate: thresholds in order, each pair out of order a problem
     * of its upper key, naming the lower one's value as written.
     */
    static List<ConfigProblem> problems(Config c) {
        Bands b = from(c);
        List<ConfigProblem> problems = new ArrayList<>();
        if (b.co2YellowFrom > b.co2RedAbove) {
            String yellow = shown(b.co2YellowFrom);
            problems.add(ConfigProblem.coded("co2-red-above", "must be at least co2-yellow-from (" + yellow + ")",
                "co2-red-below-yellow", yellow));
        }
        if (b.temperatureMin > b.temperatureMax) {
            String min = shown(b.temperatureMin);
            problems.add(ConfigProblem.coded("temperature-max", "must be at least temperature-min (" + min + ")",
                "temperature-max-below-min", min));
        }
        if (b.humidityMin > b.humidityMax) {
            String min = shown(b.humidityMin);
            problems.add(ConfigProblem.coded("humidity-max", "must be at least humidity-min (" + min + ")",
                "humidity-max-below-min", min));
        }
        return problems;
    }

    /** A threshold as an admin writes it: 1000, 20.5 (not 1000.0). */
    private static String shown(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    Co2 co2(double ppm) {
        return ppm > co2RedAbove ? Co2.RED : ppm >= co2YellowFrom ? Co2.YELLOW : Co2.GREEN;
    }

    String temperature(double celsius) {
        return celsius < temperatureMin ? "cold" : celsius > temperatureMax ? "warm" : "comfortable";
    }

    String humidity(double percent) {
        return percent < humidityMin ? "dry" : percent > humidityMax ? "humid" : "comfortable";
    }

    /** The ASR A3.6 upper limit of relative humidity at this temperature. */
    static double humidityLimit(double celsius) {
        if (celsius <= ASR_A3_6[0][0]) {
            return ASR_A3_6[0][1];
        }
        for (int i = 1; i < ASR_A3_6.length; i++) {
            if (celsius <= ASR_A3_6[i][0]) {
                double[] a = ASR_A3_6[i - 1];
                double[] b = ASR_A3_6[i];
                return a[1] + (celsius - a[0]) * (b[1] - a[1]) / (b[0] - a[0]);
            }
        }
        return ASR_A3_6[ASR_A3_6.length - 1][1];
    }

    static boolean tooHumid(double celsius, double percent) {
        return percent > humidityLimit(celsius);
    }
}
