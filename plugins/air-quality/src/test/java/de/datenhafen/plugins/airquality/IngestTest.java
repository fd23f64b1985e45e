package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IngestTest {

    private static final Registry.Room ROOM = new Registry.Room(7, "gs-nord", "1.01", "Klasse 1a", "classroom");

    /** The event's data as the plugin wrote it before it had a record for it: a tree, then its bytes. */
    private static String asATree(Reading r) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode data = json.createObjectNode().put("site", ROOM.siteId()).put("room", ROOM.id())
            .put("device", r.device()).put("time", r.time().toString()).put("co2", r.co2())
            .put("temperature", r.temperature()).put("humidity", r.humidity());
        if (r.pressure() != null) {
            data.put("pressure", r.pressure());
        }
        return json.writeValueAsString(data);
    }

    @Test
    void anEventsDataIsTheSameJsonByteForByteWithAndWithoutPressure() throws Exception {
        // one writer for the batch, as the door uses it: each event's data a document of its own
        try (Ingest.EventWriter writer = new Ingest.EventWriter()) {
            check(writer);
        }
        try (Ingest.EventWriter again = new Ingest.EventWriter()) { // with the buffers the first gave back
            check(again);
        }
    }

    private static void check(Ingest.EventWriter writer) throws Exception {
        for (Reading r : new Reading[] {
            new Reading("70B3D57ED0000001", Instant.parse("2026-11-26T08:55:00Z"), 812, 21.4, 44, 1013.2),
            new Reading("70B3D57ED0000001", Instant.parse("2026-11-26T08:55:00.123456789Z"), 40_000, -40, 0, null),
            new Reading("0101010101010101", Instant.parse("2026-11-26T08:55:00.120Z"), 1e-7, 85, 99.99999, 300.0),
            new Reading("0101010101010101", Instant.parse("2026-11-26T08:55:00.000100Z"), 0.1 + 0.2, -0.0, 1e2,
                1099.9999999999998)}) {
            BusPublisher.Event e = writer.event(r, ROOM);

            assertThat(new String(e.data(), StandardCharsets.UTF_8)).isEqualTo(asATree(r));
            assertThat(e.id()).isEqualTo(r.device() + "@" + r.time());
            assertThat(e.subject()).isEqualTo("gs-nord/1.01");
            assertThat(e.time()).isEqualTo(r.time());
            try (Ingest.EventWriter fresh = new Ingest.EventWriter()) {
                assertThat(fresh.event(r, ROOM).data()).isEqualTo(e.data());
            }
        }
    }
}
