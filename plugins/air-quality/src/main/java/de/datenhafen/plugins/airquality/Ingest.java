package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import de.datenhafen.api.Timestamps;
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

    /**
     * An event's data, written in this order; {@code pressure} left out when the device sent none. Written by a writer
     * prepared once, without a tree per reading.
     */
    @JsonPropertyOrder({"site", "room", "device", "time", "co2", "temperature", "humidity", "pressure"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Data(String site, String room, String device, String time, double co2, double temperature,
                double humidity, Double pressure) {
    }

    private static final ObjectWriter DATA = new ObjectMapper().writerFor(Data.class);

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
        for (UplinkParser.Indexed item : parsed.readings()) {
            Reading r = item.reading();
            Optional<Registry.Room> room = reg.roomOf(r.device(), r.time());
            if (room.isEmpty()) {
                problems.add(new Problem(item.index(), r.device(), "device",
                    "is not installed in any room at " + r.time() + " (unknown device?)"));
                continue;
            }
            events.add(event(r, room.get()));
        }
        problems.sort(java.util.Comparator.comparingInt(Problem::index));
        return new Outcome(events, problems);
    }

    static BusPublisher.Event event(Reading r, Registry.Room room) {
        String time = Timestamps.format(r.time());
        byte[] bytes;
        try {
            bytes = DATA.writeValueAsBytes(new Data(room.siteId(), room.id(), r.device(), time, r.co2(),
                r.temperature(), r.humidity(), r.pressure()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new BusPublisher.Event(r.device() + "@" + time, room.subject(), r.time(), bytes);
    }
}
