package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.plugins.airquality.sta.ObservationEvents;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * The general SensorThings store's Observations on the bus: type {@code sensorthings.observation}, subject
 * {@code Datastreams(<id>)} (so the bus keeps each Datastream's order), time the phenomenon time (its start for an
 * interval), data the Observation with its Datastream's and FeatureOfInterest's ids. The event id is the
 * Observation's, {@code sensorthings-store/Observations(<id>)}: ids are never given twice, so no two Observations
 * share an event.
 */
final class SensorThingsEvents implements ObservationEvents {

    static final String TYPE = "sensorthings.observation";

    private final BusPublisher bus = new BusPublisher(TYPE);

    @Override
    public void created(Exchange origin, List<ObjectNode> observations) throws Exception {
        List<BusPublisher.Event> events = new ArrayList<>();
        for (ObjectNode o : observations) {
            String phenomenon = o.path("phenomenonTime").asText();
            Instant time = OffsetDateTime.parse(phenomenon.split("/")[0]).toInstant();
            events.add(new BusPublisher.Event("sensorthings-store/Observations(" + o.path("@iot.id").asLong() + ")",
                "Datastreams(" + o.path("Datastream").asLong() + ")", time, Http.JSON.writeValueAsBytes(o)));
        }
        bus.publish(BusPublisher.of(origin), events);
    }
}
