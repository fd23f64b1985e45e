package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    private static final ObjectMapper JSON = new ObjectMapper();

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
        ObjectNode data = JSON.createObjectNode()
            .put("site", room.siteId())
            .put("room", room.id())
            .put("device", r.device())
            .put("time", r.time().toString())
            .put("co2", r.co2())
            .put("temperature", r.temperature())
            .put("humidity", r.humidity());
        if (r.pressure() != null) {
            data.put("pressure", r.pressure());
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new BusPublisher.Event(r.device() + "@" + r.time(), room.subject(), r.time(), bytes);
    }
}
