package de.datenhafen.core.camel;

import de.datenhafen.api.BusEvent;
import de.datenhafen.api.BusHeaders;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.Hops;
import de.datenhafen.core.bus.StoredEvent;
import de.datenhafen.core.bus.SubscriptionConsumers;
import de.datenhafen.core.bus.SubscriptionWorker;
import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 *
 * <p><b>{@code maxBatch=<n>}</b> (default 1): with n &gt; 1 each exchange carries up to n events that are already in
 * the log, in sequence order (the consumer never waits to fill a batch). The body is a {@code List<BusEvent>} (data
 * as {@code byte[]}, with id, subject, time, content type and source); {@link BusHeaders#SEQUENCES} is the
 * {@code List<Long>} of their sequences and {@link BusHeaders#TYPES} the {@code List<String>} of their types, both
 * in body order; {@link BusHeaders#SEQUENCE} is the last sequence. The per-event headers (id, subject, member, ...)
 * are not set. The cursor moves past the whole batch only when the route succeeded; a failing batch is retried with
 * the subscription's back-off, and when its attempts are exhausted its events are delivered one by one (each as a
 * batch of one, with the full retry budget), so only the events that fail on their own are dead-lettered. A
 * dead-letter replay is a batch of one. The route must therefore handle a batch all or nothing (for a projection:
 * one transaction), or be idempotent for the events it had already handled when it failed.
 */
final class BusConsumer extends DefaultConsumer implements Suspendable {

    /** The prefix of the flows' subscriptions ({@code flow.<name>}), which no other consumer may take. */
    static final String FLOWS = "flow.";

    private final String subscription;
    private final EventFilter filter;
    private final int maxBatch;
    private SubscriptionWorker worker;

    BusConsumer(BusEndpoint endpoint, Processor processor, String subscription, EventFilter filter, int maxBatch) {
        super(endpoint, processor);
        this.subscription = subscription;
        this.filter = filter;
        this.maxBatch = maxBatch;
    }

    @Override
    public BusEndpoint getEndpoint() {
        return (BusEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        BusComponent bus = getEndpoint().getComponent();
        if (subscription.startsWith(FLOWS)) {
            // flow.<name> is the flow's: its member's people read and replay its dead letters as the flow's (a sink's
            // subscription named so by a member-admin would have shown them to the flow's member; a review)
            RouteOwner owner = bus.owner(getRouteId());
            if (owner == null || !"flow".equals(owner.pluginId())
                || !subscription.equals(FLOWS + owner.integration())) {
                throw new IllegalArgumentException("the subscription name " + subscription + " is the flow "
                    + subscription.substring(FLOWS.length()) + "'s (" + FLOWS + "<name> names a flow's); give this "
                    + "one another");
            }
        }
        if (bus.startingPaused()) {
            return; // added for a paused integration: suspended next, delivers from its resume on
        }
        SubscriptionConsumers consumers = bus.subscriptions().consumers();
        // before the cursor: making one takes the subscription over on this node (its lease, or its group's member),
        // which would leave a running consumer of it without
        consumers.checkFree(subscription);
        SubscriptionWorker.Cursor cursor = bus.subscriptions().cursor(subscription, filter);
        SubscriptionWorker w = new SubscriptionWorker(subscription, filter, bus.log(), cursor,
            bus.subscriptions().deadLetters(), this::deliver, maxBatch, bus.retry());
        try {
            consumers.attach(w, RouteOwner.integrationOf(getRouteId()));
        } catch (RuntimeException e) {
            cursor.release(); // another consumer attached meanwhile: let go of what this cursor holds
            throw e;
        }
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

    private void deliver(List<StoredEvent> events) throws Exception {
        if (maxBatch == 1) {
            deliverOne(events.get(0));
            return;
        }
        Exchange exchange = createExchange(false);
        try {
            List<BusEvent> body = new ArrayList<>(events.size());
            List<Long> sequences = new ArrayList<>(events.size());
            List<String> types = new ArrayList<>(events.size());
            List<Integer> hops = null; // the batch's loop counts, when one has any (Hops)
            for (StoredEvent stored : events) {
                CloudEvent e = stored.event();
                int h = Hops.of(e);
                if (h > 0 && hops == null) {
                    hops = new ArrayList<>(Collections.nCopies(body.size(), 0));
                }
                if (hops != null) {
                    hops.add(h);
                }
                body.add(new BusEvent(e.getId(), e.getSubject(), e.getTime() == null ? null : e.getTime().toInstant(),
                    e.getData() == null ? null : e.getData().toBytes(), e.getDataContentType(),
                    e.getSource().toString()));
                sequences.add(stored.sequence());
                types.add(e.getType());
            }
            Message in = exchange.getIn();
            in.setHeader(BusHeaders.SEQUENCES, sequences);
            in.setHeader(BusHeaders.TYPES, types);
            in.setHeader(BusHeaders.SEQUENCE, sequences.get(sequences.size() - 1));
            if (hops != null) {
                in.setHeader(Hops.BATCH_HEADER, hops);
            }
            in.setBody(body);
            getProcessor().process(exchange);
            if (exchange.getException() != null) {
                throw exchange.getException();
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private void deliverOne(StoredEvent stored) throws Exception {
        Exchange exchange = createExchange(false);
        try {
            CloudEvent e = stored.event();
            Message in = exchange.getIn();
            in.setHeader(BusHeaders.ID, e.getId());
            in.setHeader(BusHeaders.SOURCE, e.getSource().toString());
            in.setHeader(BusHeaders.TYPE, e.getType());
            in.setHeader(BusHeaders.SEQUENCE, stored.sequence());
            in.setHeader(BusHeaders.MEMBER, stored.member());
            int hops = Hops.of(e);
            if (hops > 0) {
                in.setHeader(Hops.HEADER, hops);
            }
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
