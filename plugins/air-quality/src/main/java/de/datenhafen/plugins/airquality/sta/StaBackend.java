package de.datenhafen.plugins.airquality.sta;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;

/**
 * What the SensorThings service needs from the rest of the air-quality plugin: its database (the reading table is
 * read in place), a view of the registry, and the ways to change things that the plugin already has (readings go
 * on the bus as ingest puts them there; sites and rooms change through the registry). Implemented by the plugin.
 */
public interface StaBackend {

    /**
     * A school site: a SensorThings Location. {@code number} is its Location's {@code @iot.id}, given once and kept
     * (table site_number); {@code id} the registry's readable id, shown as {@code properties.site}.
     */
    record Site(long number, String id, String name, String address, Double latitude, Double longitude) {
    }

    /** A room: a SensorThings Thing; {@code key} is its number in the plugin's tables. */
    record Room(int key, String siteId, String id, String name, String kind) {
    }

    /**
     * The registry as of one moment, never changed: sites by id, rooms by key, and for each room the start of its
     * first device installation (its one HistoricalLocation), if it has one.
     */
    record View(Map<String, Site> sites, Map<Integer, Room> rooms, Map<Integer, Instant> firstInstalled) {
    }

    DataSource database();

    /** The current view; the same object until the registry changes. */
    View view();

    /**
     * Puts one reading of a room on the bus as an {@code air.reading} event, the way ingest does, and returns once it
     * is committed. Quantities not in {@code values} are absent (null) in the event. Returns whether the bus had the
     * same event (same id) already, so nothing was added.
     */
    /**
     * The exchange property under which the SensorThings routes hand the backend their integration's
     * {@link de.datenhafen.api.BusPublisher}.
     */
    String PUBLISHER = "airquality.busPublisher";

    boolean publish(Exchange origin, Room room, Instant time, Map<Quantity, Double> values) throws Exception;

    /** Adds or changes a site. */
    void upsertSite(Site site);

    /** Adds a room or changes its name and kind; returns its key. */
    int upsertRoom(String siteId, String roomId, String name, String kind);

    /**
     * Deletes a room that has never had a device or a reading; returns why not otherwise (null when deleted).
     */
    String deleteRoom(int roomKey);

    /** Deletes a site without rooms; returns why not otherwise (null when deleted). */
    String deleteSite(String siteId);

    /** The four quantities, in Datastream order. */
    List<Quantity> QUANTITIES = List.of(Quantity.values());
}
