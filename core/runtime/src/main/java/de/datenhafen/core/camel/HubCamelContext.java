package de.datenhafen.core.camel;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The hub's Camel context: every endpoint it makes, whichever component's and whichever way it is asked for ({@code
 * from}, {@code to}, {@code toD}, a producer template), first passes {@link EndpointOptions#noClassMaking}. Camel
 * makes the class an option's value names with {@code #class:} (its constructor or factory method runs, whatever the
 * option's type), and a plugin that writes a config value into a stock component's URI ({@code timer:},
 * {@code http:}, ...) could otherwise let the integration's editor run one: the hub's own components check their
 * options, Camel's do not.
 */
public class HubCamelContext extends DefaultCamelContext {

    @Override
    protected Endpoint doGetEndpoint(String uri, Map<String, Object> parameters, boolean normalized,
                                     boolean prototype) {
        EndpointOptions.noClassMaking(uri, parameters);
        return super.doGetEndpoint(uri, parameters, normalized, prototype);
    }
}
