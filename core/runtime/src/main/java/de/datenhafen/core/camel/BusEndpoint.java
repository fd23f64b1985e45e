package de.datenhafen.core.camel;

import de.datenhafen.core.bus.EventFilter;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** A {@code bus:} endpoint; see {@link BusComponent}. */
final class BusEndpoint extends DefaultEndpoint {

    private final String type;
    private final EventFilter filter;
    private final String subscription;
    private final int maxBatch;

    BusEndpoint(String uri, BusComponent component, String type, EventFilter filter, String subscription,
                int maxBatch) {
        super(uri, component);
        this.type = type;
        this.filter = filter;
        this.subscription = subscription;
        this.maxBatch = maxBatch;
    }

    @Override
    public BusComponent getComponent() {
        return (BusComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        if (type.contains("*") || type.contains(",")) { // BusHeaders.BY_TYPE_HEADER takes each message's type
            throw new IllegalArgumentException("bus producer '" + getEndpointUri()
                + "' must name one event type, not a pattern");
        }
        return new BusProducer(this, type);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (subscription == null || subscription.isBlank()) {
            throw new IllegalArgumentException("bus consumer '" + getEndpointUri()
                + "' needs ?subscription=<name>: the subscription keeps its place on the bus");
        }
        BusConsumer consumer = new BusConsumer(this, processor, subscription, filter, maxBatch);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public boolean isSingleton() {
        return true;
    }
}
