package de.datenhafen.core.sink;

import de.datenhafen.core.camel.RouteOwner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the exchange's events to one webhook target and returns when all of them were answered 2xx.
 *
 * <p><b>Order and concurrency.</b> With {@code concurrency} 1 the events go one after the other. Above 1, a batch's
 * events are split into lanes by subject (events without a subject share one lane), the lanes run in parallel on the
 * target's own threads, and each lane delivers its events in order and stops at its first failure; so events of one
 * subject are never under way at once and never overtake each other. The exchange fails when any lane failed, and the
 * subscription retries the batch: events of it that were already answered 2xx are remembered here by sequence and not
 * sent again on that retry (after a restart they may be: at least once, with a stable {@code webhook-id}).
 */
final class WebhookProducer extends DefaultProducer {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookProducer.class);
    /** More remembered than this means something keeps failing; forgetting only costs a duplicate. */
    private static final int MAX_REMEMBERED = 100_000;

    private final WebhookComponent component;
    private final WebhookTarget target;
    /** Made at start and closed at stop (its connection pool with it). */
    private volatile WebhookClient client;
    private final RateLimit rate;
    private final Set<Long> delivered = ConcurrentHashMap.newKeySet();
    private volatile boolean validated;
    /** The target's 410, once it came: nothing more is sent through this producer (its integration is stopping). */
    private volatile SinkException.Gone gone;
    private ExecutorService lanes;

    WebhookProducer(SinkEndpoint endpoint, WebhookTarget target, WebhookComponent component) {
        super(endpoint);
        this.component = component;
        this.target = target;
        this.rate = new RateLimit(target.ratePerSecond());
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        client = new WebhookClient(target, component.vertx(), component.policy());
        if (target.concurrency() > 1) {
            AtomicInteger n = new AtomicInteger();
            lanes = Executors.newFixedThreadPool(target.concurrency(), r -> {
                Thread t = new Thread(r, "webhook-" + target.name() + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        LOG.info("Webhook sink {} ready", target);
    }

    @Override
    protected void doStop() throws Exception {
        if (lanes != null) {
            lanes.shutdownNow();
            lanes = null;
        }
        WebhookClient c = client;
        if (c != null) {
            c.close();
        }
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        List<SinkEvent> events = SinkEvent.of(exchange);
        if (gone != null) {
            throw gone; // a retry before the stop came: the target said it wants nothing more
        }
        try {
            validate();
            if (lanes == null || events.size() == 1) {
                for (SinkEvent e : events) {
                    deliver(e);
                }
            } else {
                deliverInLanes(events);
            }
        } catch (SinkException.Gone e) {
            gone = e;
            String integration = RouteOwner.integrationOf(exchange.getFromRouteId());
            if (integration != null) {
                LOG.warn("Webhook sink {}: {}; stopping integration {}", target.name(), e.getMessage(), integration);
                component.integrationStop().stop(integration, e.getMessage());
            }
            throw e;
        }
        for (SinkEvent e : events) {
            delivered.remove(e.sequence());
        }
    }

    /** The validation handshake, once, before the first delivery (when the target asks for it). */
    private void validate() throws InterruptedException {
        if (!target.handshake() || validated) {
            return;
        }
        synchronized (this) {
            if (!validated) {
                double allowed = client.handshake(component.origin(), target.ratePerSecond());
                if (allowed > 0 && (target.ratePerSecond() == 0 || allowed < target.ratePerSecond())) {
                    rate.set(allowed);
                    LOG.info("Webhook sink {}: the target allows {} requests a minute", target.name(),
                        Math.round(allowed * 60));
                }
                validated = true;
            }
        }
    }

    private void deliver(SinkEvent e) throws InterruptedException {
        if (e.sequence() >= 0 && delivered.contains(e.sequence())) {
            return;
        }
        rate.acquire();
        client.post(e);
        if (e.sequence() >= 0) {
            if (delivered.size() >= MAX_REMEMBERED) {
                delivered.clear();
            }
            delivered.add(e.sequence());
        }
    }

    private void deliverInLanes(List<SinkEvent> events) throws Exception {
        Map<String, List<SinkEvent>> bySubject = new LinkedHashMap<>();
        for (SinkEvent e : events) {
            bySubject.computeIfAbsent(e.subject() == null ? "" : e.subject(), k -> new ArrayList<>()).add(e);
        }
        List<Callable<Void>> work = new ArrayList<>(bySubject.size());
        for (List<SinkEvent> lane : bySubject.values()) {
            work.add(() -> {
                for (SinkEvent e : lane) {
                    deliver(e);
                }
                return null;
            });
        }
        List<Future<Void>> results = lanes.invokeAll(work);
        Exception first = null;
        for (Future<Void> f : results) {
            try {
                f.get();
            } catch (ExecutionException ex) {
                Exception cause = ex.getCause() instanceof Exception c ? c : ex;
                if (first == null || cause instanceof SinkException.Gone) {
                    first = cause;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
