package de.datenhafen.core.sink;

import java.util.function.Function;
import org.apache.camel.Component;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/**
 * A sink's endpoint ({@code webhook:<target>}, {@code mqtt-out:<target>}), and the webhook receiver's check
 * ({@code webhook-in:<name>}): only a producer; not a singleton, so each route gets a producer of its own (with its own connection and state).
 */
final class SinkEndpoint extends DefaultEndpoint {

    private final String target;
    private final Function<SinkEndpoint, Producer> producers;

    SinkEndpoint(String uri, Component component, String target, Function<SinkEndpoint, Producer> producers) {
        super(uri, component);
        this.target = target;
        this.producers = producers;
    }

    @Override
    public Producer createProducer() {
        return producers.apply(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException(getEndpointBaseUri() + " (" + target + ") only takes messages: send "
            + "to it");
    }

    @Override
    public boolean isSingleton() {
        return false;
    }
}
