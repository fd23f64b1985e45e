package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import de.datenhafen.api.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * From a body to {@code air.reading} events: parses, checks each reading against the registry (the device must be
 * installed in a room at the reading's time) and builds the events. The event's subject is {@code <site>/<room>};
 * its id is {@code <device EUI>@<time>}, so an uplink sent again (a network server's retry, or the same uplink over
 * HTTP and MQTT) is stored once. Its data carries what a consumer such as an OGC SensorThings service needs: site,
 * room, device, time and the four quantities with their units implied (ppm, degC, %, hPa).
 */
final class Ingest {

    static final String READING = "air.reading";

    record Outcome(List<BusPublisher.Event> events, List<Problem> problems) {
    }

    /** Makes the generators of {@link EventWriter}: Jackson's defaults, as the object mapper had them. */
    private static final JsonFactory JSON = new JsonFactory();

    private final UplinkParser parser;
    private final Registry registry;

    Ingest(UplinkParser parser, Registry registry) {
        this.parser = parser;
        this.registry = registry;
    }

    Outcome accept(byte[] body) {
        UplinkParser.Result parsed = parser.parse(body);
        Registry.Snapshot reg = registry.snapshot();
        List<BusPublisher.Event> events = new ArrayList<>(parsed.readings().size());
        List<Problem> problems = new ArrayList<>(parsed.problems());
        try (EventWriter writer = new EventWriter()) {
            for (UplinkParser.Indexed item : parsed.readings()) {
                Reading r = item.reading();
                Optional<Registry.Room> room = reg.roomOf(r.device(), r.time());
                if (room.isEmpty()) {
                    problems.add(new Problem(item.index(), r.device(), "device",
                        "is not installed in any room at " + r.time() + " (unknown device?)"));
                    continue;
                }
                events.add(writer.event(r, room.get()));
            }
        }
        problems.sort(java.util.Comparator.comparingInt(Problem::index));
        return new Outcome(events, problems);
    }

    /**
     * Writes events' data one after the other with one generator and one buffer: site, room, device, time and the four
     * quantities in this order, {@code pressure} left out when the device sent none. Jackson's object writer made a
     * generator, its context and a serializer provider for every reading, a quarter of the bytes the plugin's door
     * allocated under the harness's load (a JFR profile). Not thread-safe: one per batch, closed after it, which gives
     * the generator's buffers back to Jackson's pool for the next batch.
     */
    static final class EventWriter implements AutoCloseable {
        private final ByteArrayBuilder out = new ByteArrayBuilder(256);
        private final JsonGenerator g;

        EventWriter() {
            try {
                g = JSON.createGenerator(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            g.setRootValueSeparator(null); // each event's data is a document of its own
        }

        BusPublisher.Event event(Reading r, Registry.Room room) {
            String time = Timestamps.format(r.time());
            try {
                g.writeStartObject();
                g.writeStringField("site", room.siteId());
                g.writeStringField("room", room.id());
                g.writeStringField("device", r.device());
                g.writeStringField("time", time);
                g.writeNumberField("co2", r.co2());
                g.writeNumberField("temperature", r.temperature());
                g.writeNumberField("humidity", r.humidity());
                if (r.pressure() != null) {
                    g.writeNumberField("pressure", r.pressure().doubleValue());
                }
                g.writeEndObject();
                g.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] bytes = out.toByteArray();
            out.reset();
            return new BusPublisher.Event(r.device() + "@" + time, room.subject(), r.time(), bytes);
        }

        @Override
        public void close() {
            try {
                g.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
