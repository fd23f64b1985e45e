package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BandsTest {

    private final Bands bands = Bands.DEFAULT;

    @Test
    void co2BandsFollowTheUmweltbundesamtLimits() {
        assertThat(bands.co2(999)).isEqualTo(Bands.Co2.GREEN);
        assertThat(bands.co2(1000)).isEqualTo(Bands.Co2.YELLOW);
        assertThat(bands.co2(2000)).isEqualTo(Bands.Co2.YELLOW);
        assertThat(bands.co2(2001)).isEqualTo(Bands.Co2.RED);
    }

    @Test
    void temperatureAndHumidityAreComfortableWithinTheirRanges() {
        assertThat(bands.temperature(19.9)).isEqualTo("cold");
        assertThat(bands.temperature(20)).isEqualTo("comfortable");
        assertThat(bands.temperature(26.1)).isEqualTo("warm");
        assertThat(bands.humidity(39.9)).isEqualTo("dry");
        assertThat(bands.humidity(65)).isEqualTo("comfortable");
        assertThat(bands.humidity(65.1)).isEqualTo("humid");
    }

    @Test
    void tooHumidFollowsTheTemperatureDependentLimitOfAsrA36() {
        assertThat(Bands.humidityLimit(18)).isEqualTo(80);
        assertThat(Bands.humidityLimit(22)).isEqualTo(70);
        assertThat(Bands.humidityLimit(23)).isCloseTo(66, within(1e-9));
        assertThat(Bands.humidityLimit(30)).isEqualTo(55);
        assertThat(Bands.tooHumid(26, 56)).isTrue();
        assertThat(Bands.tooHumid(20, 75)).isFalse();
    }

    @Test
    void thresholdsComeFromTheConfig() {
        Bands strict = Bands.from(Bands.declare(de.datenhafen.api.ConfigDef.builder()).build()
            .parse(java.util.Map.of("co2-yellow-from", 800, "co2-red-above", 1400)));

        assertThat(strict.co2(900)).isEqualTo(Bands.Co2.YELLOW);
        assertThat(strict.co2(1500)).isEqualTo(Bands.Co2.RED);
        assertThat(strict.alertAfter()).hasMinutes(30);
    }
}
