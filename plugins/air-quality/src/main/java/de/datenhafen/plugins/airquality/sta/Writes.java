package de.datenhafen.plugins.airquality.sta;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

/**
 * The write side of a SensorThings service, behind the shared HTTP layer ({@link SensorThingsConnector.Handler}),
 * which has resolved the path and checked the write token: the schools' service changes the registry
 * ({@link StaWrites}), the general store its own tables ({@link StoreWrites}). Called on the request's worker thread.
 */
interface Writes {

    /** POST to an entity set or a navigation collection. */
    StaService.Answer create(Exchange origin, StaService.Target t, JsonNode body, String base) throws Exception;

    /** PATCH ({@code replace} false) or PUT ({@code replace} true) of one entity. */
    StaService.Answer update(StaService.Target t, JsonNode body, String base, boolean replace) throws Exception;

    /** DELETE of one entity. */
    StaService.Answer delete(StaService.Target t) throws Exception;
}
