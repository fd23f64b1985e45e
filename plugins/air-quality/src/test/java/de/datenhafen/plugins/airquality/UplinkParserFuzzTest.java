package de.datenhafen.plugins.airquality;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Uplink bodies come from network servers and, past a leaked token, from anyone: whatever the bytes, the parser gives
 * readings and per-reading problems, or refuses the body as a whole ({@link UplinkParser.BodyException}, the 400
 * naming the body). Anything else is a finding; so is a reading outside the plausible ranges or a problem without a
 * field, since the answer names them.
 */
class UplinkParserFuzzTest {

    private static final UplinkParser PARSER = new UplinkParser(FieldMapping.DEFAULT, Duration.ofMinutes(10),
        Clock.fixed(Instant.parse("2026-11-02T12:00:00Z"), ZoneOffset.UTC));

    @FuzzTest(maxDuration = "5s")
    void readingsOrClearRefusal(byte[] body) {
        UplinkParser.Result result;
        try {
            result = PARSER.parse(body);
        } catch (UplinkParser.BodyException refused) {
            if (refused.getMessage() == null || refused.getMessage().length() > 1_000) {
                throw new AssertionError("an unclear refusal: " + refused.getMessage());
            }
            return;
        }
        for (UplinkParser.Indexed r : result.readings()) {
            Reading reading = r.reading();
            if (!reading.device().matches("[0-9A-F]{16}") || !Plausible.CO2.contains(reading.co2())
                || !Plausible.TEMPERATURE.contains(reading.temperature())
                || !Plausible.HUMIDITY.contains(reading.humidity())) {
                throw new AssertionError("an implausible reading passed: " + reading);
            }
        }
        for (Problem p : result.problems()) {
            if (p.field() == null || p.error() == null || p.error().length() > 1_000) {
                throw new AssertionError("an unclear problem: " + p);
            }
        }
    }
}
