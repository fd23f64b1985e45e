package de.datenhafen.sdk.guide;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.RetryableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * The guide's (docs/plugins.md) second connector, compiled by the build so its snippets stay true: it takes events
 * off the bus through a subscription, keeps them in the plugin's own database and puts alerts back on the bus.
 */
public final class NoiseAlertConnector implements Connector {

    @Override
    public String name() {
        return "noise-alerts";
    }

    @Override
    public String description() {
        return "Keeps noise readings from the bus and raises noise.alert events above a limit.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("subscription", ConfigType.STRING, null, true, "The bus subscription to read noise readings from")
            .define("limit", ConfigType.INT, 70, false, "Decibels above which a reading raises an alert")
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        String subscription = ctx.config().getString("subscription");
        int limit = ctx.config().getInt("limit");
        DataSource db = ctx.plugin().database();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(ctx.busConsumer("noise.reading").subscription(subscription).uri())
                    .routeId(ctx.routeId("keep-readings"))
                    .process(e -> keep(db, e.getIn().getHeader(BusHeaders.SUBJECT, String.class),
                        e.getIn().getBody(String.class)))
                    .filter(e -> Integer.parseInt(e.getIn().getBody(String.class).strip()) > limit)
                    .to(ctx.bus("noise.alert"));
            }
        };
    }

    /** Runs on the subscription's worker thread: blocking JDBC is fine here, never on an event loop. */
    static void keep(DataSource db, String sensor, String decibels) {
        try (Connection c = db.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO readings VALUES (?, ?)")) {
            insert.setString(1, sensor);
            insert.setInt(2, Integer.parseInt(decibels.strip()));
            insert.executeUpdate();
        } catch (SQLException e) {
            // the subscription delivers the event again later; after its retries it is a dead letter
            throw new RetryableException("the readings table is not reachable: " + e.getMessage(), Duration.ofSeconds(5));
        }
    }
}
