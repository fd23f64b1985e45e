package de.datenhafen.core.sink;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** A {@code webhook:} target; see {@link WebhookComponent}. Only a producer: events leave the hub here. */
final class WebhookEndpoint extends DefaultEndpoint {

    private final WebhookTarget target;

    WebhookEndpoint(String uri, WebhookComponent component, WebhookTarget target) {
        super(uri, component);
        this.target = target;
    }

    @Override
    public WebhookComponent getComponent() {
        return (WebhookComponent) super.getComponent();
    }

    WebhookTarget target() {
        return target;
    }

    @Override
    public Producer createProducer() {
        return new WebhookProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("webhook:" + target.name() + " is a sink: send to it, from a bus: "
            + "consumer");
    }

    @Override
    public boolean isSingleton() {
        return false;
    }
}
