package de.datenhafen.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import de.datenhafen.core.config.HubConfig;
import de.datenhafen.testkit.HubClient;
import de.datenhafen.testkit.HubExtension;
import de.datenhafen.testkit.Postgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A whole hub on a real PostgreSQL: it starts, takes events and reads them back, keeps members and their people. */
class HubOnPostgresTest {

    private static final Postgres PG = PostgresForTests.sharedOrNull();

    @RegisterExtension
    static final HubExtension hub = PostgresForTests.onDatabase(HubExtension.builder()
        .config(HubConfig.AUTH_ARGON2_MEMORY, 1024).config(HubConfig.AUTH_ARGON2_ITERATIONS, 1), PG, "hub").build();

    @Test
    void takesAnEventAndReadsItBack() {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        HubClient client = hub.client();
        JsonObject event = new JsonObject().put("specversion", "1.0").put("id", "pg-1").put("source", "/test/pg")
            .put("type", "test.pg.reading").put("subject", "room-1").put("data", new JsonObject().put("co2", 612));

        HubClient.Response posted = client.post("/api/v1/events", "application/cloudevents+json", event.encode());
        HubClient.Response again = client.post("/api/v1/events", "application/cloudevents+json", event.encode());
        HubClient.Response read = client.get("/api/v1/events?type=test.pg.reading");

        assertThat(posted.status()).as(posted.toString()).isEqualTo(202);
        assertThat(again.json().getJsonArray("events").getJsonObject(0).getBoolean("duplicate")).as(again.toString())
            .isTrue();
        JsonArray events = read.json().getJsonArray("events");
        assertThat(events).hasSize(1);
        assertThat(events.getJsonObject(0).getJsonObject("event").getJsonObject("data").getInteger("co2"))
            .isEqualTo(612);
    }

    @Test
    void keepsMembersAndTheirPeople() {
        assumeTrue(PG != null, "PostgreSQL is not installed");
        HubClient admin = hub.client();
        HubClient.Response member = admin.post("/api/v1/admin/members", new JsonObject().put("id", "luftblick")
            .put("name", "Luftblick Sensorik GmbH"));
        HubClient.Response user = admin.post("/api/v1/admin/members/luftblick/users", new JsonObject().put("id", "anna")
            .put("name", "Anna").put("roles", new JsonArray().add("member-admin")));

        assertThat(member.status()).as(member.toString()).isEqualTo(201);
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        assertThat(admin.get("/api/v1/admin/members/luftblick/users").body()).contains("\"anna\"");
    }

    @Test
    void refusesTheOnlineBackupAndPointsToPgDump() {
        assumeTrue(PG != null, "PostgreSQL is not installed");

        HubClient.Response backup = hub.client().post("/api/v1/admin/backup");

        assertThat(backup.status()).as(backup.toString()).isEqualTo(409);
        assertThat(backup.json().getString("error")).startsWith("this hub's database is PostgreSQL, whose backup is "
            + "pg_dump").contains("docs/operations.md");
    }
}
