package de.datenhafen.plugins.transit.realtime;

/**
 * One event to put on the bus: its type ({@code transit.trip.updated}, {@code transit.vehicle.position},
 * {@code transit.alert}), subject (trip, vehicle or alert id), a stable id (same content, same id: the bus drops a
 * re-sent one), the time it describes (ISO-8601) and its JSON data.
 */
public record LiveEvent(String type, String subject, String id, String time, String json) {

    public static final String TRIP_UPDATED = "transit.trip.updated";
    public static final String VEHICLE_POSITION = "transit.vehicle.position";
    public static final String ALERT = "transit.alert";
}
