package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.Postgres;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plugin's schema on PostgreSQL: its migrations run there, V1 and V3 from {@code db/plugin-postgresql/} in place
 * of H2's (which use {@code AUTO_INCREMENT}), and the plugin starts on it; the general store's writes and reads of
 * its version row there.
 */
class AirQualityOnPostgresIT {

    private static final Postgres PG = Postgres.sharedIfAvailable();

    @RegisterExtension
    static final HubExtension hub = onPostgres(HubExtension.builder().pluginUnderTest()).build();

    private static HubExtension.Builder onPostgres(HubExtension.Builder builder) {
        if (PG != null) {
            PG.hubDatabase("air_quality_hub").forEach(builder::config);
        }
        return builder;
    }

    @BeforeEach
    void needsPostgres() {
        assumeTrue(PG != null, "PostgreSQL is not installed (apt-get install postgresql)");
    }

    @Test
    void thePluginStartsOnItsMigratedSchema() throws SQLException {
        HubClient.Response plugin = hub.client().get("/api/v1/admin/plugins/air-quality");

        assertThat(plugin.json().getString("state")).as(plugin.toString()).isEqualTo("started");
        List<String> applied = new ArrayList<>();
        // as the server's administrator, looking into the plugin's schema from outside
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl("air_quality_hub"), PG.user(), PG.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT script FROM plugin_air_quality.plugin_schema_history "
                 + "WHERE success ORDER BY installed_rank")) {
            while (rs.next()) {
                applied.add(rs.getString(1));
            }
            int numbered;
            try (ResultSet n = st.executeQuery("SELECT COUNT(*) FROM plugin_air_quality.site_number")) {
                n.next();
                numbered = n.getInt(1); // another test's sites may have their numbers already
            }
            st.execute("INSERT INTO plugin_air_quality.site (id, name) VALUES ('gs-nord', 'Grundschule Nord')");
            st.execute("INSERT INTO plugin_air_quality.site_number (site_id) VALUES ('gs-nord')");
            try (ResultSet n = st.executeQuery(
                "SELECT number FROM plugin_air_quality.site_number WHERE site_id = 'gs-nord'")) {
                assertThat(n.next()).isTrue();
                assertThat(n.getInt(1)).as("a number from the identity column").isEqualTo(numbered + 1);
            }
        }
        assertThat(applied).containsExactly("V1__air_quality.sql", "V2__partial_readings.sql",
            "V3__site_numbers.sql", "V4__sensorthings_store.sql", "V5__sensorthings_members.sql",
            "V6__sensorthings_version.sql");
    }

    /**
     * The general store's version row on PostgreSQL: writes lock it (SELECT ... FOR UPDATE) and count it up, and a
     * second integration over the store reads what the first wrote within a second, and the first its PATCH.
     */
    @Test
    void twoStoreIntegrationsSeeEachOthersWritesWithinASecond() {
        HubClient client = hub.client();
        AirQualityIT.create(client, "pg-store", "sensorthings-store", new JsonObject().put("path", "/pg-store"));
        AirQualityIT.create(client, "pg-store-too", "sensorthings-store", new JsonObject()
            .put("path", "/pg-store-too"));
        String one = client.baseUri().resolve("/pg-store/v1.1/").toString();
        String too = client.baseUri().resolve("/pg-store-too/v1.1/").toString();
        await().atMost(Duration.ofSeconds(10)).until(() -> SensorThingsIT.send("GET", too + "Things", null, null)
            .status() == 200);

        SensorThingsIT.Answer created = SensorThingsIT.send("POST", one + "Things", "{\"name\": \"Pegel Trave\", "
            + "\"description\": \"water level gauge\"}", client.adminToken());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long thing = created.json().getLong("@iot.id");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(
            SensorThingsIT.send("GET", too + "Things(" + thing + ")", null, null).status()).isEqualTo(200));
        SensorThingsIT.Answer patched = SensorThingsIT.send("PATCH", too + "Things(" + thing + ")",
            "{\"description\": \"Holstentor bridge\"}", client.adminToken());

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(
            SensorThingsIT.send("GET", one + "Things(" + thing + ")", null, null).json().getString("description"))
            .isEqualTo("Holstentor bridge"));
    }

    @Test
    void theCsvImportTakesRoomKeysFromTheIdentityColumnAndMovesDevicesInBatches() {
        HubClient client = hub.client();
        AirQualityIT.create(client, "pg-registry", "airquality-registry", new JsonObject());
        HubClient.Response first = client.post(AirQualityIT.ROOT + "registry/import", "text/csv", """
            site,site_name,room,device,since
            rs-pg,Realschule PG,r1,B1B1B1B1B1B1B1B1,2026-01-01T00:00:00Z
            rs-pg,,r2,B2B2B2B2B2B2B2B2,2026-01-01T00:00:00Z
            """);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        HubClient.Response moved = client.post(AirQualityIT.ROOT + "registry/import", "text/csv", """
            site,site_name,room,room_name,device,since
            rs-pg,,r3,,B1B1B1B1B1B1B1B1,2026-02-01T00:00:00Z
            rs-pg,,r2,Musikraum,B1B1B1B1B1B1B1B1,2026-03-01T00:00:00Z
            """);
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(client.get(AirQualityIT.ROOT + "registry").json().getJsonArray("sites").stream()
            .map(JsonObject.class::cast).filter(site -> site.getString("id").equals("rs-pg")).findFirst().orElseThrow()
            .getJsonArray("rooms").stream().map(JsonObject.class::cast)
            .map(r -> r.getString("id") + " " + r.getString("name")))
            .as("r2 renamed in the batch").containsExactly("r1 r1", "r2 Musikraum", "r3 r3");

        HubClient.Response device = client.get(AirQualityIT.ROOT + "registry/devices/B1B1B1B1B1B1B1B1");
        assertThat(device.json().getJsonArray("installations").stream().map(JsonObject.class::cast)
            .map(i -> i.getString("room") + " " + i.getString("since") + "-" + i.getString("until", "")))
            .containsExactly("r2 2026-03-01T00:00:00Z-", "r3 2026-02-01T00:00:00Z-2026-03-01T00:00:00Z",
                "r1 2026-01-01T00:00:00Z-2026-02-01T00:00:00Z");

        // what PostgreSQL cannot keep is the client's 400, not the database's 500: a NUL in a name (no text at all:
        // refused as the CSV's byte), a time past its timestamps' range (year 294,276)
        HubClient.Response nul = client.post(AirQualityIT.ROOT + "registry/import", "text/csv",
            "site,site_name,room,room_name\nrs-pg,,r4,a\u0000b\n");
        assertThat(nul.status()).as(nul.body()).isEqualTo(400);
        assertThat(nul.json().getString("field")).isEqualTo("body");
        HubClient.Response put = client.put(AirQualityIT.ROOT + "registry/sites/rs-pg/rooms/r4", "application/json",
            "{\"name\":\"a\\u0000b\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(400);
        assertThat(put.json().getString("field")).isEqualTo("name");
        HubClient.Response far = client.post(AirQualityIT.ROOT + "registry/devices/B1B1B1B1B1B1B1B1/move",
            "application/json", "{\"site\":\"rs-pg\",\"room\":\"r1\",\"since\":\"+300000-01-01T00:00:00Z\"}");
        assertThat(far.status()).as(far.body()).isEqualTo(400);
        assertThat(far.json().getString("field")).isEqualTo("since");
    }
}
