package de.datenhafen.sdk.guide;

import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.web.Html;
import de.datenhafen.api.web.PublicPage;
import de.datenhafen.api.web.PublicRequest;
import de.datenhafen.api.web.PublicSection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * The guide's (docs/plugins.md) section of the city's page, compiled by the build so its snippet stays true: an
 * integration that keeps notices registers the section that shows them, at {@code /aushang} while it runs.
 */
public final class NoticesConnector implements Connector {

    @Override
    public String name() {
        return "notices";
    }

    @Override
    public String description() {
        return "Notices for the city's page, at /aushang.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder().build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        List<String> store = new CopyOnWriteArrayList<>(List.of("Sperrmüll am Montag"));
        ctx.publicSection(new NoticesSection(store));   // shown at /<id> while this integration runs
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the routes that fill the store
            }
        };
    }

    /** The section: one page listing the notices, in the shell the hub draws around it. */
    static final class NoticesSection implements PublicSection {

        private final List<String> notices;

        NoticesSection(List<String> notices) {
            this.notices = notices;
        }

        @Override
        public String id() {
            return "aushang";
        }

        @Override
        public String title(String language) {
            return language.equals("en") ? "Notices" : "Aushang";
        }

        @Override
        public PublicPage render(PublicRequest request) {
            String title = request.text("Aushang", "Notices");
            Html body = new Html().element("h1", title).open("ul");
            notices.forEach(n -> body.element("li", n));
            return PublicPage.of(title, body.close("ul"));
        }
    }
}
