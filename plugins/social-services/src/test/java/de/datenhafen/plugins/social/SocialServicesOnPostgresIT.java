package de.datenhafen.plugins.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.Postgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The directory on PostgreSQL: the demo directory imported into the plugin's schema there (H2's {@code MERGE ... KEY}
 * is {@code INSERT ... ON CONFLICT} on PostgreSQL), an edit replacing its service's row, and the directory read back
 * from the database after a restart.
 */
class SocialServicesOnPostgresIT {

    private static final String ROOT = "/api/v1/plugins/social-services";
    private static final String DATABASE = "social_services_hub";
    private static final Postgres PG = Postgres.sharedIfAvailable();

    @RegisterExtension
    static final HubExtension hub = onPostgres(HubExtension.builder().pluginUnderTest()).build();

    private static HubExtension.Builder onPostgres(HubExtension.Builder builder) {
        if (PG != null) {
            PG.hubDatabase(DATABASE).forEach(builder::config);
        }
        return builder;
    }

    @BeforeEach
    void needsPostgres() {
        assumeTrue(PG != null, "PostgreSQL is not installed (apt-get install postgresql)");
    }

    @Test
    void theDemoDirectoryIsStoredThereAndAnEditReplacesItsServicesRow() throws SQLException {
        HubClient admin = hub.client();
        assertThat(admin.post("/api/v1/admin/members", new JsonObject().put("id", "social-smart-city")
            .put("name", "Social Smart City working group")).status()).isEqualTo(201);
        HubClient.Response token = admin.post("/api/v1/admin/members/social-smart-city/tokens", new JsonObject()
            .put("name", "directory-staff").put("roles", new JsonArray().add("member-editor")));
        assertThat(token.status()).as(token.body()).isEqualTo(201);
        HubClient owner = admin.withToken(token.json().getString("token"));
        HubClient.Response created = admin.post("/api/v1/admin/integrations", new JsonObject()
            .put("name", "directory").put("connector", "hsds-directory")
            .put("config", new JsonObject().put("demo-data", true).put("outbox-period", "200ms")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(hub.events(Directory.CREATED)).hasSize(50));

        JsonObject service = admin.anonymous().get(ROOT + "/services?per_page=1").json().getJsonArray("contents")
            .getJsonObject(0);
        String id = service.getString("id");
        service.remove("organization");
        service.put("description", "Auch auf PostgreSQL / on PostgreSQL too");
        HubClient.Response put = owner.put(ROOT + "/services/" + id, "application/json", service.encode());

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(hub.events(Directory.UPDATED)).anyMatch(e -> e.subject().equals("services/" + id)));
        assertThat(rows("SELECT COUNT(*) FROM plugin_social_services.service", null)).isEqualTo(50);
        assertThat(rows("SELECT COUNT(*) FROM plugin_social_services.service WHERE id = ? AND doc LIKE "
            + "'%Auch auf PostgreSQL%'", id)).as("the row replaced").isEqualTo(1);

        hub.restart();

        HubClient.Response read = hub.client().anonymous().get(ROOT + "/services/" + id);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().getString("description")).isEqualTo("Auch auf PostgreSQL / on PostgreSQL too");
        assertThat(hub.client().anonymous().get(ROOT + "/services?per_page=1").json().getInteger("total_items"))
            .isEqualTo(50);
    }

    /** A count, as the server's administrator looking into the plugin's schema from outside. */
    private static long rows(String sql, String id) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG.jdbcUrl(DATABASE), PG.user(), PG.password());
             PreparedStatement ps = c.prepareStatement(sql)) {
            if (id != null) {
                ps.setString(1, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
