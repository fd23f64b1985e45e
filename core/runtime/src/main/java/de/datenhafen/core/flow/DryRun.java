package de.datenhafen.core.flow;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.camel.HubCamelContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Runs a flow's compiled route against sample events in a Camel context of its own, with the bus and the sinks
 * captured: what the flow would emit, with no side effect (nothing is stored, sent or subscribed). A sample its
 * {@code from} would not take (another type, another subject prefix) is listed as ignored, as the subscription
 * would pass it by. Delays and throttles are skipped; an aggregate completes at its size, or with what it holds when
 * the samples are done.
 */
public final class DryRun {

    /** The most sample events a dry run takes. */
    public static final int MAX_EVENTS = 100;

    /** How long a dry run takes its events, all together; the events after it are answered as not run. */
    public static final java.time.Duration TIME = java.time.Duration.ofSeconds(10);

    private DryRun() {
    }

    /**
     * A sample event.
     *
     * @param data parsed JSON (Maps, Lists, ...), or null
     */
    public record Sample(String type, String subject, String id, String time, String source, Object data) {
    }

    /**
     * What a dry run gives: each emitted message in order ({@code kind} bus, webhook or mqtt-out), the log lines,
     * and each sample that failed with its reason (as the running flow would dead-letter it).
     */
    public record Result(List<Map<String, Object>> emitted, List<String> logged, List<Map<String, Object>> failed,
                         List<Integer> ignored) {
    }

    /** Runs {@code flow} on the samples, all in {@link #TIME}, each with {@link EventBudget#DEFAULT}. */
    public static Result run(Flow flow, List<Sample> samples) {
        return run(flow, samples, TIME, EventBudget.DEFAULT);
    }

    /**
     * Runs {@code flow} on the samples, all in {@code time}, each with {@code eventCpu} for its expressions (the
     * running flow's, {@link EventBudget}).
     */
    static Result run(Flow flow, List<Sample> samples, java.time.Duration time, java.time.Duration eventCpu) {
        if (samples.size() > MAX_EVENTS) {
            throw new InvalidInputException("a dry run takes at most " + MAX_EVENTS + " events, not "
                + samples.size(), "events");
        }
        List<Map<String, Object>> emitted = Collections.synchronizedList(new ArrayList<>());
        List<String> logged = Collections.synchronizedList(new ArrayList<>());
        // a collection complete by its time fails on the aggregate's own thread
        List<Map<String, Object>> failed = Collections.synchronizedList(new ArrayList<>());
        List<Integer> ignored = new ArrayList<>();
        EventFilter from = new EventFilter(flow.from().types(), flow.from().subjectPrefix());
        FlowCompiler.Capture capture = new FlowCompiler.Capture() {
            @Override
            public void bus(String type, String subject, Object data) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kind", "bus");
                m.put("type", type);
                m.put("subject", subject);
                m.put("data", data);
                emitted.add(m);
            }

            @Override
            public void sink(Flow.Sink sink, String type, String subject, Object data) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kind", sink.kind());
                m.put("name", sink.name());
                Map<String, Object> options = new LinkedHashMap<>();
                // a certificate by its length: the definition holds it already, and each event would repeat it
                sink.options().forEach((k, v) -> options.put(k,
                    flow.secrets().containsKey(sink.path() + "." + sink.kind() + "." + k) ? FlowManager.REDACTED
                        : k.equals(FlowParser.CA_CERTIFICATE) ? "(PEM, " + v.length() + " characters)" : v));
                m.put("options", options);
                m.put("type", type);
                m.put("subject", subject);
                m.put("data", data);
                emitted.add(m);
            }

            @Override
            public void log(String line) {
                logged.add(line);
            }

            @Override
            public void failed(java.util.Collection<Long> samples, String error) {
                samples.forEach(i -> failed.add(failure(i.intValue(), error)));
            }
        };
        String name = flow.name() == null ? "dry-run" : flow.name();
        DefaultCamelContext camel = new HubCamelContext();
        camel.getCamelContextExtension().setName("flow-dry-run");
        try {
            camel.addRoutes(FlowCompiler.dryRun(flow, name, capture, eventCpu));
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();
            long deadline = System.nanoTime() + time.toNanos();
            String usedUp = "the dry run's " + seconds(time) + " were used up";
            // each expression has its own limit; the run as a whole has this one, on every expression as well, so
            // that one request cannot hold a core for a hundred events times a hundred blocks
            CpuBudget.until(deadline, usedUp + "; try it with fewer events or a lighter flow", () -> {
                for (int i = 0; i < samples.size(); i++) {
                    Sample s = samples.get(i);
                    int index = i;
                    if (System.nanoTime() - deadline > 0) {
                        failed.add(failure(i, "not run: " + usedUp + " by the events before it; try it with fewer "
                            + "events"));
                        continue;
                    }
                    if (s.type() == null || !from.matchesType(s.type()) || from.subjectPrefix() != null
                        && (s.subject() == null || !s.subject().startsWith(from.subjectPrefix()))) {
                        ignored.add(i);
                        continue;
                    }
                    try {
                        Exchange result = producer.send(FlowCompiler.DRY_IN, x -> {
                            x.getIn().setHeader(BusHeaders.TYPE, s.type());
                            x.getIn().setHeader(BusHeaders.SUBJECT, s.subject());
                            x.getIn().setHeader(BusHeaders.ID, s.id() == null ? "sample-" + index : s.id());
                            // the sample's number where a running flow's event has its bus sequence: a collection's
                            // failure names its samples by it (FlowCompiler.COLLECTED)
                            x.getIn().setHeader(BusHeaders.SEQUENCE, (long) index);
                            x.getIn().setHeader(BusHeaders.TIME, s.time());
                            x.getIn().setHeader(BusHeaders.SOURCE, s.source() == null ? "/dry-run" : s.source());
                            x.getIn().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
                            x.getIn().setBody(s.data() == null ? null : Expression.json(s.data()));
                        });
                        if (result.getException() != null) {
                            failed.add(failure(i, result.getException()));
                        }
                    } catch (CamelExecutionException e) {
                        failed.add(failure(i, e.getCause() == null ? e : e.getCause()));
                    }
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("the dry run could not run the flow: " + e.getMessage(), e);
        } finally {
            camel.stop(); // completes what an aggregate still holds
        }
        List<Map<String, Object>> failures = new ArrayList<>(failed);
        failures.sort(java.util.Comparator.comparingInt(f -> (Integer) f.get("event")));
        return new Result(List.copyOf(emitted), List.copyOf(logged), failures, ignored);
    }

    /** {@code 10 s}, or {@code 0.3 s} for a test's shorter time. */
    private static String seconds(java.time.Duration time) {
        return time.toMillis() % 1000 == 0 ? time.toSeconds() + " s" : time.toMillis() / 1000.0 + " s";
    }

    private static Map<String, Object> failure(int index, Throwable e) {
        return failure(index, Objects.toString(e.getMessage(), e.getClass().getSimpleName()));
    }

    private static Map<String, Object> failure(int index, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", index);
        m.put("error", error);
        return m;
    }
}
