package de.datenhafen.plugins.airquality.sta;

import com.fasterxml.jackson.databind.JsonNode;
import de.datenhafen.api.Caller;
import org.apache.camel.Exchange;

/**
 * The write side of a SensorThings service, behind the shared HTTP layer ({@link SensorThingsConnector.Handler}),
 * which has resolved the path and let on the writer: the schools' service changes the registry ({@link StaWrites}),
 * the general store its own tables ({@link StoreWrites}). Called on the request's worker thread. {@code caller} is the
 * writer when the writes must check whose data it changes (the store), null where nobody checks that.
 */
interface Writes {

    /** POST to an entity set or a navigation collection. */
    StaService.Answer create(Exchange origin, Caller caller, StaService.Target t, JsonNode body, String base)
        throws Exception;

    /** PATCH ({@code replace} false) or PUT ({@code replace} true) of one entity. */
    StaService.Answer update(Caller caller, StaService.Target t, JsonNode body, String base, boolean replace)
        throws Exception;

    /** DELETE of one entity. */
    StaService.Answer delete(Caller caller, StaService.Target t) throws Exception;
}
