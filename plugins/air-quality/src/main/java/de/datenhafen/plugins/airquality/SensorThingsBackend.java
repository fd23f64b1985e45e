package de.datenhafen.plugins.airquality;

import com.fasterxml.jackson.databind.node.ObjectNode;
import de.datenhafen.plugins.airquality.sta.Quantity;
import de.datenhafen.plugins.airquality.sta.StaBackend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;

/**
 * The plugin's side of the SensorThings service ({@link de.datenhafen.plugins.airquality.sta}): the registry as a
 * view, readings onto the bus as ingest puts them (an {@code air.reading} event, with only the quantities sent), and
 * the registry's changes. The event of an Observation carries no device (none sent it through a network server); its
 * id is {@code sta:<site>/<room>/<quantity>@<time>}, so the same Observation sent twice is stored once.
 */
final class SensorThingsBackend implements StaBackend {

    private final AirQuality air;
    private final BusPublisher bus = new BusPublisher(Ingest.READING);
    /**
     * The view and the registry snapshot it was built from, swapped as one: two fields could pair a new snapshot with
     * an old view when two requests race a registry change, and keep that pair until the next change.
     */
    private volatile Built built;

    private record Built(Registry.Snapshot from, View view) {
    }

    SensorThingsBackend(AirQuality air) {
        this.air = air;
    }

    @Override
    public DataSource database() {
        return air.db;
    }

    @Override
    public View view() {
        Registry.Snapshot s = air.registry.snapshot();
        Built current = built;
        if (current == null || current.from() != s) {
            Map<String, Site> sites = new LinkedHashMap<>();
            s.sites().values().forEach(x -> sites.put(x.id(), new Site(s.siteNumbers().get(x.id()), x.id(), x.name(),
                x.address(), x.latitude(), x.longitude())));
            Map<Integer, Room> rooms = new LinkedHashMap<>();
            s.rooms().values().forEach(r -> rooms.put(r.key(), new Room(r.key(), r.siteId(), r.id(), r.name(),
                r.kind())));
            Map<Integer, Instant> first = new HashMap<>();
            for (List<Registry.Installation> list : s.installations().values()) {
                for (Registry.Installation i : list) {
                    first.merge(i.roomKey(), i.since(), (a, b) -> a.isBefore(b) ? a : b);
                }
            }
            current = new Built(s, new View(Collections.unmodifiableMap(sites), Collections.unmodifiableMap(rooms),
                Collections.unmodifiableMap(first)));
            built = current;
        }
        return current.view();
    }

    @Override
    public boolean publish(Exchange origin, Room room, Instant time, Map<Quantity, Double> values) throws Exception {
        ObjectNode data = Http.JSON.createObjectNode().put("site", room.siteId()).put("room", room.id())
            .put("time", time.toString());
        StringBuilder keys = new StringBuilder();
        for (Map.Entry<Quantity, Double> v : values.entrySet()) {
            data.put(v.getKey().key(), v.getValue());
            keys.append(keys.length() == 0 ? "" : "+").append(v.getKey().key());
        }
        String subject = room.siteId() + "/" + room.id();
        return 0 < bus.publish(BusPublisher.of(origin), List.of(new BusPublisher.Event("sta:" + subject + "/" + keys + "@" + time, subject, time,
            Http.JSON.writeValueAsBytes(data))));
    }

    @Override
    public void upsertSite(Site site) {
        air.registry.change(c -> Registry.upsertSite(c, new Registry.Site(site.id(), site.name(), site.address(),
            site.latitude(), site.longitude())));
    }

    @Override
    public int upsertRoom(String siteId, String roomId, String name, String kind) {
        int[] key = new int[1];
        air.registry.change(c -> key[0] = Registry.upsertRoom(c, siteId, roomId, name, kind));
        return key[0];
    }

    @Override
    public String deleteRoom(int roomKey) {
        for (List<Registry.Installation> list : air.registry.snapshot().installations().values()) {
            for (Registry.Installation i : list) {
                if (i.roomKey() == roomKey) {
                    return "room " + roomKey + " has had a device installed: its history stays (take the device out "
                        + "with the registry API instead)";
                }
            }
        }
        String[] refused = new String[1];
        air.registry.change(c -> {
            for (String table : new String[] {"reading", "avg20", "daily", "latest", "alert"}) {
                if (exists(c, "SELECT 1 FROM " + table + " WHERE room_key = ? FETCH FIRST 1 ROW ONLY", roomKey)) {
                    refused[0] = "room " + roomKey + " has readings: they stay, so the room does too";
                    return;
                }
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM room WHERE room_key = ?")) {
                del.setInt(1, roomKey);
                del.executeUpdate();
            }
        });
        return refused[0];
    }

    @Override
    public String deleteSite(String siteId) {
        long rooms = air.registry.snapshot().rooms().values().stream().filter(r -> r.siteId().equals(siteId)).count();
        if (rooms > 0) {
            return "site '" + siteId + "' has " + rooms + " room(s): delete them (Things) first";
        }
        air.registry.change(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM site WHERE id = ?")) {
                del.setString(1, siteId);
                del.executeUpdate();
            }
        });
        return null;
    }

    private static boolean exists(Connection c, String sql, int key) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setInt(1, key);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }
}
