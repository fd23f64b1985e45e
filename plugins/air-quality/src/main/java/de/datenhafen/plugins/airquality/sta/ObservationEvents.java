package de.datenhafen.plugins.airquality.sta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * Where the general store announces the Observations it creates: the plugin puts each on the bus (type
 * {@code sensorthings.observation}, subject its Datastream), so flows and other plugins can use them. Called inside
 * the write's transaction, before it commits: when this throws, nothing is stored and the client gets a 5xx.
 */
public interface ObservationEvents {

    /**
     * The Observations one request created, each as {@code {"@iot.id", "Datastream", "FeatureOfInterest",
     * "phenomenonTime", "resultTime", "result"}}; returns once they are committed on the bus.
     */
    void created(Exchange origin, List<ObjectNode> observations) throws Exception;
}
