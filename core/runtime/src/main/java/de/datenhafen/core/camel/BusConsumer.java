package de.datenhafen.core.camel;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.StoredEvent;
import de.datenhafen.core.bus.SubscriptionWorker;
import io.cloudevents.CloudEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;

/**
 * Takes events off the bus through a named subscription and runs the route for each, one at a time, in order. The
 * subscription's cursor moves only when the route succeeded; failures are retried and then dead-lettered.
 * While it runs it is registered as the subscription's one consumer (a second route on the same subscription fails
 * to start), so the admin API can show its rate, replay dead letters through it and refuse to delete its
 * subscription.
 */
final class BusConsumer extends DefaultConsumer implements Suspendable {

    private final String subscription;
    private final EventFilter filter;
    private SubscriptionWorker worker;

    BusConsumer(BusEndpoint endpoint, Processor processor, String subscription, EventFilter filter) {
        super(endpoint, processor);
        this.subscription = subscription;
        this.filter = filter;
    }

    @Override
    public BusEndpoint getEndpoint() {
        return (BusEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        BusComponent bus = getEndpoint().getComponent();
        SubscriptionWorker w = new SubscriptionWorker(subscription, filter, bus.log(),
            bus.subscriptions().cursor(subscription, filter), bus.subscriptions().deadLetters(), this::deliver,
            bus.retry());
        bus.subscriptions().consumers().attach(w, RouteOwner.integrationOf(getRouteId()));
        worker = w;
        w.start();
    }

    @Override
    protected void doStop() throws Exception {
        if (worker != null) {
            worker.close();
            getEndpoint().getComponent().subscriptions().consumers().detach(worker);
            worker = null;
        }
        super.doStop();
    }

    @Override
    protected void doSuspend() throws Exception {
        doStop();
    }

    @Override
    protected void doResume() throws Exception {
        doStart();
    }

    private void deliver(StoredEvent stored) throws Exception {
        Exchange exchange = createExchange(false);
        try {
            CloudEvent e = stored.event();
            Message in = exchange.getIn();
            in.setHeader(BusHeaders.ID, e.getId());
            in.setHeader(BusHeaders.SOURCE, e.getSource().toString());
            in.setHeader(BusHeaders.TYPE, e.getType());
            in.setHeader(BusHeaders.SEQUENCE, stored.sequence());
            in.setHeader(BusHeaders.MEMBER, stored.member());
            if (e.getSubject() != null) {
                in.setHeader(BusHeaders.SUBJECT, e.getSubject());
            }
            if (e.getTime() != null) {
                in.setHeader(BusHeaders.TIME, e.getTime().toString());
            }
            if (e.getDataContentType() != null) {
                in.setHeader(BusHeaders.DATA_CONTENT_TYPE, e.getDataContentType());
                in.setHeader(Exchange.CONTENT_TYPE, e.getDataContentType());
            }
            in.setBody(e.getData() == null ? null : e.getData().toBytes());
            getProcessor().process(exchange);
            if (exchange.getException() != null) {
                throw exchange.getException();
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }
}
