package de.datenhafen.core.bus;

import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.TestDatabase;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builders for bus tests: a migrated H2 file database and small air-quality readings. */
final class BusFixtures {

    static final String READING = "de.datenhafen.airquality.reading";
    static final OffsetDateTime T0 = OffsetDateTime.of(2026, 11, 26, 8, 0, 0, 0, ZoneOffset.UTC);

    private BusFixtures() {
    }

    static Database database(Path dir) {
        return TestDatabase.H2.open(dir);
    }

    static NewEvent reading(String id) {
        return reading("urn:dh:airq:vendor", id, READING, "school-7/room-12");
    }

    static NewEvent reading(String source, String id, String type, String subject) {
        return new NewEvent(event(source, id, type, subject), "airsense");
    }

    static CloudEvent event(String source, String id, String type, String subject) {
        int n = Math.abs(id.hashCode());
        String json = String.format(Locale.ROOT,
            "{\"co2\":%d,\"temperature\":%.1f,\"humidity\":%.1f,\"pressure\":%.1f}",
            400 + n % 1200, 18 + (n % 80) / 10.0, 30 + (n % 400) / 10.0, 990 + (n % 400) / 10.0);
        return CloudEventBuilder.v1()
            .withId(id)
            .withSource(URI.create(source))
            .withType(type)
            .withSubject(subject)
            .withTime(T0.plusSeconds(n % 100_000))
            .withDataContentType("application/json")
            .withData(json.getBytes(StandardCharsets.UTF_8))
            .build();
    }

    static List<NewEvent> readings(String prefix, int count) {
        List<NewEvent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(reading(prefix + "-" + i));
        }
        return out;
    }
}
