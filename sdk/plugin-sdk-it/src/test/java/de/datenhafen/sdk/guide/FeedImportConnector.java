package de.datenhafen.sdk.guide;

import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import java.util.List;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * The guide's (docs/plugins.md) keys only a hub-admin sets, compiled by the build so its snippet stays true: a feed
 * import whose folder, hosts and size limit bound what its source may reach or take of the hub.
 */
public final class FeedImportConnector implements Connector {

    @Override
    public String name() {
        return "feed-import";
    }

    @Override
    public String description() {
        return "Imports a feed from a file in the import folder or from a public URL.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("source", ConfigType.STRING, null, true, "The feed: a file name in the import folder, or a URL")
            .define("import-folder", ConfigType.STRING, null, false, "The folder a file source must lie in")
            .define("allowed-hosts", ConfigType.LIST, null, false, "Hosts a URL source may name")
            .define("max-feed-mb", ConfigType.INT, 256, false, "The largest feed, in MiB")
            .hubAdminOnly("it bounds what source may reach", List.of("import-folder", "allowed-hosts"))
            .hubAdminOnly("max-feed-mb")   // the reason: "it bounds what this connector may reach or take of the hub"
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the routes that fetch and import the feed
            }
        };
    }
}
