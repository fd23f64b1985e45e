package de.datenhafen.core.flow;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConflictException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.core.bus.EventFilter;
import de.datenhafen.core.bus.HubSubscriptions;
import de.datenhafen.core.camel.CamelFailures;
import de.datenhafen.core.camel.CamelHost;
import de.datenhafen.core.camel.RouteCounters;
import de.datenhafen.core.camel.RouteOwner;
import de.datenhafen.core.http.LogText;
import de.datenhafen.core.integration.HubIntegrations;
import de.datenhafen.core.integration.IntegrationManager;
import de.datenhafen.core.integration.IntegrationView;
import de.datenhafen.core.security.SecretBox;
import de.datenhafen.core.security.SecretText;
import de.datenhafen.core.sink.SinkAddressPolicy;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.StopReasons;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, changes (each change a new version), rolls back, enables, disables and deletes flows, and runs each as an
 * integration of the same name: its route ({@code <name>.flow}) in the hub's Camel context, owned by the flow's
 * member, consuming through the subscription {@code flow.<name>}, so the integrations API shows its state and
 * counts, {@code /metrics} its messages and the dead-letters API what it could not handle.
 *
 * <p>Decisions a reader may question:
 * <ul>
 * <li><b>A member's flow</b> reads only events its member owns (the bus stores each event's owning member; the others
 * pass the subscription without reaching the flow's blocks) and writes only types named {@code <member>.<...>}: the
 * hub grants no member another's events yet, and a namespace makes "its own types" something a check can decide
 * before the flow runs. A hub-admin's flow reads every event and writes as the member {@code hub}.</li>
 * <li><b>A disabled flow's route is removed, its subscription kept</b>: enabled again, it goes on where it stopped.
 * Deleting the flow deletes the subscription too.</li>
 * <li><b>A flow that fails to start</b> (a sink whose component is not installed) stays stored and failed with the
 * reason; it is data and would fail the same way again, so nothing retries it until it is changed or enabled.</li>
 * <li><b>Secrets</b> (webhook secrets, MQTT passwords) are stored with the definition, encrypted; every answer shows
 * them as {@value Config#REDACTED}, and a new version that keeps {@value Config#REDACTED} keeps the previous
 * version's secret at the same place.</li>
 * </ul>
 *
 * <p>Methods are serialized; call them from a worker thread (they touch the database and Camel).
 */
public final class FlowManager implements HubIntegrations, AutoCloseable {

    public static final String REDACTED = Config.REDACTED;
    static final String ENABLED = "enabled";
    static final String DISABLED = "disabled";
    /** The hub's member, owner of a hub-admin's flow's events. */
    static final String HUB = "hub";
    /**
     * The versions the hub keeps of a flow, the newest; a new one deletes the oldest beyond. Each may be 64 KiB: a
     * member-admin's thousand versions of one flow, read together, took the hub out of heap (an attacker's probe).
     */
    public static final int VERSIONS_KEPT = 100;

    private static final Logger LOG = LoggerFactory.getLogger(FlowManager.class);

    /**
     * A flow as the API shows it.
     *
     * @param member its member, null for a hub-admin's flow
     * @param state {@code running}, {@code stopped} (disabled) or {@code failed}
     * @param definition the current version's YAML, secrets redacted
     */
    public record FlowView(String name, String member, String description, int version, boolean enabled, String state,
                           String definition, long messagesIn, long messagesOut, long messagesFailed,
                           String lastError, Instant lastErrorAt, Instant createdAt, Instant updatedAt) {
    }

    /** A stored version as the API shows it, secrets redacted. */
    public record VersionView(int version, boolean current, String note, String createdBy, Instant createdAt,
                              String definition) {
    }

    private static final class Entry {
        FlowStore.Row row;
        Flow flow;
        String state = IntegrationManager.STOPPED;
        String error;
        Instant errorAt;
        /** Why it stopped itself (a 410 Gone), kept in the database until an admin enables it. */
        StopReasons.Reason stopped;
        /**
         * Ends the running route's delays and throttles and sends its collections on, before the route is stopped
         * ({@link FlowCompiler.Stop}); null when not running.
         */
        FlowCompiler.Stop stopping;
        /**
         * Deleted: a collection that fails after that (one a forced stop cut off, finishing late) writes no dead
         * letters, which a later flow of the same name would have read as its own.
         */
        volatile boolean deleted;

        Entry(FlowStore.Row row, Flow flow) {
            this.row = row;
            this.flow = flow;
        }
    }

    /** How long a flow's stop waits for its collections to go on before its route is stopped. */
    static final Duration COLLECTIONS_AT_STOP = Duration.ofSeconds(5);

    private final FlowStore store;
    /** Where the flow's webhook and MQTT sinks may send; an address it refuses is refused when the flow is given. */
    private final SinkAddressPolicy sinkPolicy;
    /** The CPU time a flow's expressions may take for one event, all together ({@link EventBudget}). */
    private final Duration eventCpu;
    /**
     * Flows one member may have (flows.per-member); a hub-admin's are not counted. Each holds a thread (its
     * subscription's) and polls the bus: 150 idle ones took about an eighth of a core and 45 MB, so a member's
     * thousands would take the hub's cores (an attacker's probe).
     */
    private final int perMember;
    private final StopReasons stopReasons;
    private final CamelHost camel;
    private final HubSubscriptions subscriptions;
    private final Predicate<String> integrationNamed;
    private final Map<String, Entry> entries = new TreeMap<>();
    /** Flow name to its member ("" for the hub's), read without the lock by the access rules. */
    private final Map<String, String> members = new ConcurrentHashMap<>();

    /**
     * @param integrationNamed whether a plugin's integration has a name (a flow may not take it); must not lock the
     *                         integration manager
     */
    public FlowManager(Database db, SecretBox secrets, CamelHost camel, HubSubscriptions subscriptions,
                       Predicate<String> integrationNamed, SinkAddressPolicy sinkPolicy, Duration eventCpu,
                       int perMember) {
        this.sinkPolicy = sinkPolicy;
        this.eventCpu = eventCpu;
        this.perMember = perMember;
        this.store = new FlowStore(db, secrets);
        this.stopReasons = new StopReasons(db, StopReasons.Table.FLOW);
        this.camel = camel;
        this.subscriptions = subscriptions;
        this.integrationNamed = integrationNamed;
    }

    /** The kind of change notice a flow's change leaves for the other nodes. */
    public static final String CHANGE = "flow";
    private volatile de.datenhafen.core.node.Changes changes;

    /**
     * Shares flow changes with the other nodes on the database: a create, new version, enable, disable or delete here
     * is announced, and one made on another node is applied here ({@link #changedElsewhere}).
     */
    public void shareChanges(de.datenhafen.core.node.Changes changes) {
        this.changes = changes;
        changes.on(CHANGE, this::changedElsewhere);
    }

    private void announce(String name) {
        de.datenhafen.core.node.Changes c = changes;
        if (c != null) {
            c.announce(CHANGE, name);
        }
    }

    /** Another node changed the flow: this node runs the stored version in the stored state, or drops it. */
    public synchronized void changedElsewhere(String name) {
        Entry old = entries.remove(name);
        if (old != null) {
            stop(old);
        }
        Optional<FlowStore.Row> row = store.all().stream().filter(r -> r.name().equals(name)).findFirst();
        if (row.isEmpty()) {
            members.remove(name);
            camel.forgetCounters(name);
            subscriptions.forget(FlowCompiler.subscription(name));
            LOG.info("Flow {} deleted on another node", name);
            return;
        }
        restoreOne(row.get(), stopReasons.all().get(name));
        LOG.info("Flow {} changed on another node: {}", name, entries.get(name).state);
    }

    /** Reads the stored flows and starts the enabled ones. Call after Camel started. */
    public synchronized void restore() {
        Map<String, StopReasons.Reason> reasons = stopReasons.all();
        for (FlowStore.Row row : store.all()) {
            restoreOne(row, reasons.get(row.name()));
        }
        LOG.info("{} flows restored", entries.size());
    }

    private void restoreOne(FlowStore.Row row, StopReasons.Reason stopped) {
        String text = store.version(row.name(), row.version()).map(FlowStore.Version::definition).orElse(null);
        Entry e;
        try {
            e = new Entry(row, FlowParser.parse(text));
        } catch (RuntimeException ex) {
            e = new Entry(row, null);
            e.state = IntegrationManager.FAILED;
            e.error = "its stored definition does not parse any more: " + ex.getMessage();
            e.errorAt = Instant.now();
        }
        entries.put(row.name(), e);
        members.put(row.name(), row.member() == null ? "" : row.member());
        if (e.flow != null) {
            start(e);
        }
        e.stopped = stopped;
        if (stopped != null && !e.state.equals(IntegrationManager.RUNNING)) {
            e.error = stopped.text(); // it stopped itself before the hub's restart (or on another node): still the reason
            e.errorAt = stopped.at();
        }
    }

    // ---- reading

    public synchronized List<FlowView> list() {
        return entries.values().stream().map(this::flowView).toList();
    }

    public synchronized FlowView get(String name) {
        return flowView(require(name));
    }

    /**
     * The member a flow belongs to: empty for no such flow, an empty string for a hub-admin's flow. Lock-free, for
     * the access rules on the event loop.
     */
    /** The subscription a flow consumes through ({@code flow.<name>}): its dead letters are under this name. */
    public static String subscriptionOf(String name) {
        return FlowCompiler.subscription(name);
    }

    public Optional<String> memberOf(String name) {
        return Optional.ofNullable(name == null ? null : members.get(name));
    }

    public synchronized List<VersionView> versions(String name) {
        Entry e = require(name);
        List<VersionView> out = new ArrayList<>();
        for (FlowStore.Version v : store.versions(name, VERSIONS_KEPT)) {
            out.add(new VersionView(v.version(), v.version() == e.row.version(), v.note(), v.createdBy(),
                v.createdAt(), redacted(v.definition())));
        }
        return out;
    }

    // ---- changes

    /**
     * Checks, stores (version 1) and starts a new flow.
     *
     * @param name the name given beside the definition, or null to take the definition's {@code name}
     * @param member the member it belongs to, null for the hub's
     * @param actor who made it, for the version's record (a principal's label)
     * @throws FlowRefusedException (422) naming line and block
     */
    public synchronized FlowView create(String name, String member, String text, String actor, String note) {
        Flow flow = admitted(text, member);
        String n = nameOf(name, flow);
        Entry existing = entries.get(n);
        if (existing != null) {
            // another member's flow: its name is taken, but a new version is not this member's to give (403)
            throw new ConflictException(java.util.Objects.equals(existing.row.member(), member)
                ? "flow '" + n + "' already exists; PUT a new version to change it"
                : "the name '" + n + "' is taken (the hub's flows and integrations have one set of names); choose "
                    + "another", "name");
        }
        if (integrationNamed.test(n)) {
            throw new ConflictException("an integration is named '" + n + "'; a flow runs as an integration of its own "
                + "name, so it needs another", "name");
        }
        long owned = member == null ? 0 : entries.values().stream().filter(f -> member.equals(f.row.member())).count();
        if (owned >= perMember) {
            throw new ConflictException("member " + member + " has " + owned + " flows, the most a member may have "
                + "(flows.per-member); delete one it no longer needs first", "name");
        }
        noRound(n, member, flow);
        Instant now = Instant.now();
        FlowStore.Row row = new FlowStore.Row(n, member, 1, ENABLED, now, now);
        store.insert(row, new FlowStore.Version(n, 1, text, note, actor, now));
        Entry e = new Entry(row, flow);
        entries.put(n, e);
        members.put(n, member == null ? "" : member);
        LOG.info("Flow {} created by {} (member {})", n, actor, member == null ? HUB : member);
        announce(n);
        start(e);
        return flowView(e);
    }

    /** Stores {@code text} as the flow's next version and runs it (if enabled) in place of the current one. */
    public synchronized FlowView replace(String name, String text, String actor) {
        Entry e = require(name);
        String full = withKeptSecrets(text, e);
        Flow flow = admitted(full, e.row.member());
        if (flow.name() != null && !flow.name().equals(name)) {
            throw new FlowRefusedException(1, null, "name", "the definition names flow '" + flow.name()
                + "', the path '" + name + "'; a flow keeps its name");
        }
        noRound(name, e.row.member(), flow);
        return newVersion(e, full, flow, actor, null);
    }

    /** Makes a copy of version {@code version} the flow's next version, and runs it. */
    public synchronized FlowView rollback(String name, int version, String actor) {
        Entry e = require(name);
        FlowStore.Version old = store.version(name, version).orElseThrow(() -> new NotFoundException("flow '" + name
            + "' has no version " + version + " (the hub keeps the newest " + VERSIONS_KEPT + ")", "version"));
        Flow flow = admitted(old.definition(), e.row.member());
        noRound(name, e.row.member(), flow);
        return newVersion(e, old.definition(), flow, actor, "rollback to version " + version);
    }

    private FlowView newVersion(Entry e, String text, Flow flow, String actor, String note) {
        String name = e.row.name();
        int next = store.latestVersion(name) + 1;
        Instant now = Instant.now();
        store.addVersion(new FlowStore.Version(name, next, text, note, actor, now), now, VERSIONS_KEPT);
        stop(e);
        e.row = new FlowStore.Row(name, e.row.member(), next, e.row.desired(), e.row.createdAt(), now);
        e.flow = flow;
        LOG.info("Flow {}: version {} by {}{}", name, next, actor, note == null ? "" : " (" + note + ")");
        announce(name);
        start(e);
        return flowView(e);
    }

    public synchronized FlowView enable(String name) {
        Entry e = require(name);
        setDesired(e, ENABLED);
        if (!e.state.equals(IntegrationManager.RUNNING)) {
            stop(e);
            start(e);
        }
        if (e.state.equals(IntegrationManager.FAILED)) {
            throw new ConflictException("flow " + name + " could not be started: " + e.error, "state");
        }
        return flowView(e);
    }

    public synchronized FlowView disable(String name) {
        Entry e = require(name);
        setDesired(e, DISABLED);
        stop(e);
        return flowView(e);
    }

    /** Stops and deletes a flow with its versions and its subscription. */
    @Override
    public synchronized void delete(String name) {
        Entry e = require(name);
        stop(e);
        e.deleted = true;
        camel.forgetCounters(name);
        store.delete(name);
        String subscription = FlowCompiler.subscription(name);
        subscriptions.store().delete(subscription);
        subscriptions.forget(subscription);
        entries.remove(name);
        members.remove(name);
        announce(name);
        LOG.info("Flow {} deleted", name);
    }

    /**
     * What a flow would emit for sample events, with no side effect. {@code member} is checked as at create (a
     * member's flow writes only its own types).
     */
    public DryRun.Result dryRun(String text, String member, List<DryRun.Sample> samples) {
        return DryRun.run(admitted(text, member), samples, DryRun.TIME, eventCpu);
    }

    @Override
    public synchronized void close() {
        for (Entry e : entries.values()) {
            stop(e);
        }
    }

    // ---- the integrations API's view

    @Override
    public synchronized List<IntegrationView> views() {
        return entries.values().stream().map(this::integrationView).toList();
    }

    @Override
    public synchronized Optional<IntegrationView> view(String name) {
        Entry e = entries.get(name);
        return e == null ? Optional.empty() : Optional.of(integrationView(e));
    }

    @Override
    public boolean has(String name) {
        return members.containsKey(name);
    }

    @Override
    public IntegrationView pause(String name) {
        disable(name);
        return view(name).orElseThrow();
    }

    @Override
    public IntegrationView resume(String name) {
        enable(name);
        return view(name).orElseThrow();
    }

    @Override
    public synchronized void stopItself(String name, String reason) {
        Entry e = entries.get(name);
        if (e == null || !e.state.equals(IntegrationManager.RUNNING)) {
            return; // deleted or disabled meanwhile, or asked twice by parallel deliveries
        }
        setDesired(e, DISABLED);
        stop(e);
        reason = SecretText.redact(reason, secretsOf(e));
        e.error = reason;
        e.errorAt = Instant.now();
        e.stopped = new StopReasons.Reason(reason, e.errorAt);
        stopReasons.set(name, e.stopped);
        camel.counters(name).error(reason);
        LOG.warn("Flow {} stopped itself: {}; enable it when the target is back", name, LogText.escape(reason));
    }

    @Override
    public synchronized IntegrationView restart(String name) {
        Entry e = require(name);
        stop(e);
        start(e);
        return integrationView(e);
    }

    // ---- internals

    /** Parses and checks a definition for a member (null: the hub's). */
    static Flow checked(String text, String member) {
        Flow flow = FlowParser.parse(text);
        if (member != null) {
            for (Flow.BusOut b : flow.busOuts()) {
                if (!b.type().startsWith(member + ".")) {
                    throw new FlowRefusedException(b.line(), "bus", b.path(), "a flow of member " + member
                        + " writes only its member's event types, named " + member + ".<...>; '" + b.type()
                        + "' is not one");
                }
            }
            for (String type : flow.from().types()) {
                if (type.equals("*")) {
                    throw new FlowRefusedException(flow.from().line(), "from", "from.bus", "a member's flow names "
                        + "the types it reads; * is every type");
                }
            }
        }
        for (Flow.BusOut b : flow.busOuts()) {
            if (reads(flow, b.type())) {
                throw new FlowRefusedException(b.line(), "bus", b.path(), "the flow's from takes the type '" + b.type()
                    + "' it writes: each event it writes would come back to it and be written again, without end");
            }
        }
        return flow;
    }

    /** Whether the flow's {@code from} takes events of {@code type} (its subject prefix aside). */
    private static boolean reads(Flow flow, String type) {
        return new EventFilter(flow.from().types(), null).matchesType(type);
    }

    /**
     * Refuses {@code flow} (to be named {@code name}) when its events would come back to it through the other flows of
     * its member (a member's flow reads its member's events alone, the hub's flows every event, so only flows of one
     * member can pass events round): each event would go round without end, the bus growing as fast as it writes.
     */
    private void noRound(String name, String member, Flow flow) {
        Map<String, Flow> group = new TreeMap<>();
        entries.forEach((n, e) -> {
            if (e.flow != null && Objects.equals(e.row.member(), member)) {
                group.put(n, e.flow);
            }
        });
        group.put(name, flow);
        for (Flow.BusOut b : flow.busOuts()) {
            List<String> path = new ArrayList<>();
            if (reaches(group, b.type(), name, path, new HashSet<>())) {
                throw new FlowRefusedException(b.line(), "bus", b.path(), "its events of type '" + b.type()
                    + "' would come back to this flow through flow " + String.join(", then flow ", path)
                    + ": each event would go round without end");
            }
        }
    }

    /** Whether events of {@code type} reach flow {@code target} through the flows of {@code group}. */
    private static boolean reaches(Map<String, Flow> group, String type, String target, List<String> path,
                                   Set<String> seen) {
        for (Map.Entry<String, Flow> f : group.entrySet()) {
            if (!reads(f.getValue(), type)) {
                continue;
            }
            if (f.getKey().equals(target)) {
                return true;
            }
            if (!seen.add(f.getKey())) {
                continue;
            }
            path.add(f.getKey());
            for (Flow.BusOut b : f.getValue().busOuts()) {
                if (reaches(group, b.type(), target, path, seen)) {
                    return true;
                }
            }
            path.remove(path.size() - 1);
        }
        return false;
    }

    /**
     * {@link #checked}, and each webhook's {@code url} and MQTT {@code broker} whose host is written as an address must
     * be one the hub's {@link SinkAddressPolicy} allows (a host name is checked as it resolves, when connecting).
     */
    private Flow admitted(String text, String member) {
        Flow flow = checked(text, member);
        for (Flow.Sink sink : flow.sinks()) {
            String field = sink.kind().equals("webhook") ? "url" : "broker";
            String target = sink.options().get(field);
            if (target == null) {
                continue;
            }
            String path = sink.path() + "." + field;
            try {
                sinkPolicy.checkConfigured(path, target); // what is no URL the parser refused
            } catch (SinkAddressPolicy.Refused refused) {
                throw new FlowRefusedException(sink.line(), sink.kind(), path, refused.getMessage());
            }
        }
        return flow;
    }

    private static String nameOf(String given, Flow flow) {
        if (given != null && flow.name() != null && !given.equals(flow.name())) {
            throw new FlowRefusedException(1, null, "name", "the request names flow '" + given
                + "', the definition '" + flow.name() + "'");
        }
        String name = given != null ? given : flow.name();
        if (name == null) {
            throw new InvalidInputException("the flow needs a name: name: <name> in the definition, or \"name\" beside "
                + "it", "name");
        }
        if (!FlowParser.NAME.matcher(name).matches()) {
            throw new InvalidInputException("name must be 1 to 63 lower case letters, digits or dashes, starting "
                + "with a letter or digit", "name");
        }
        return name;
    }

    private void start(Entry e) {
        String name = e.row.name();
        if (DISABLED.equals(e.row.desired()) || e.flow == null) {
            e.state = e.flow == null ? IntegrationManager.FAILED : IntegrationManager.STOPPED;
            return;
        }
        try {
            String member = e.row.member();
            String subscription = FlowCompiler.subscription(name);
            FlowCompiler.Live live = FlowCompiler.live(e.flow, name, member, eventCpu, camel.retry(),
                (sequences, error, attempts, firstFailed) -> {
                    if (e.deleted) {
                        LOG.warn("Flow {} was deleted: a collection of {} events that failed after it ({}) is no dead "
                            + "letter", name, sequences.size(), error);
                        return;
                    }
                    sequences.forEach(sequence ->
                        subscriptions.deadLetterStore().add(subscription, sequence, error, attempts, firstFailed));
                });
            e.stopping = live.stop();
            camel.addRoutes(new RouteOwner(name, "flow", member == null ? HUB : member,
                FlowManager.class.getClassLoader()), live.routes());
            e.state = IntegrationManager.RUNNING;
            e.error = null;
            e.errorAt = null;
            LOG.info("Flow {} running (version {})", name, e.row.version());
        } catch (Exception ex) {
            camel.remove(name);
            e.state = IntegrationManager.FAILED;
            e.error = SecretText.redact(CamelFailures.message(ex), secretsOf(e));
            e.errorAt = Instant.now();
            camel.counters(name).error(e.error);
            LOG.warn("Flow {} failed to start: {}", name, e.error);
        }
    }

    /** The flow's secrets in plain text, to take out of what a failure says ({@link SecretText}). */
    private static java.util.Collection<String> secretsOf(Entry e) {
        return e.flow == null ? List.of() : e.flow.secrets().values();
    }

    private void stop(Entry e) {
        if (e.stopping != null) {
            // a sleeping delay or throttle passes its event on now, and what its aggregates hold goes on now, while the
            // route takes it (Camel's completion at the route's stop comes too late for that); what does not within
            // the time is its events' dead letters
            String route = FlowCompiler.routeId(e.row.name());
            if (!e.stopping.before(() -> camel.completeAggregates(route), COLLECTIONS_AT_STOP)) {
                LOG.warn("Flow {}: its collections did not all go on within {} s of its stop; what is left of them "
                    + "becomes dead letters", e.row.name(), COLLECTIONS_AT_STOP.toSeconds());
            }
            e.stopping = null;
        }
        camel.remove(e.row.name());
        if (!e.state.equals(IntegrationManager.FAILED)) {
            e.state = IntegrationManager.STOPPED;
        }
    }

    private void setDesired(Entry e, String desired) {
        if (!e.row.desired().equals(desired)) {
            Instant now = Instant.now();
            store.updateDesired(e.row.name(), desired, now);
            announce(e.row.name());
            e.row = new FlowStore.Row(e.row.name(), e.row.member(), e.row.version(), desired, e.row.createdAt(), now);
        }
        e.state = e.state.equals(IntegrationManager.FAILED) ? IntegrationManager.STOPPED : e.state;
        if (desired.equals(ENABLED) && e.stopped != null) {
            e.stopped = null; // an admin enabled it: the reason it stopped with is history
            stopReasons.set(e.row.name(), null);
        }
    }

    private Entry require(String name) {
        Entry e = name == null ? null : entries.get(name);
        if (e == null) {
            throw new NotFoundException("no flow named '" + name + "'", "name");
        }
        return e;
    }

    /**
     * {@code text} with each secret written as {@value Config#REDACTED} replaced by the current version's secret at
     * the same place; a redacted secret with none to keep is refused.
     */
    private String withKeptSecrets(String text, Entry e) {
        Flow given = FlowParser.parse(text);
        List<Flow.Span> spans = new ArrayList<>(given.secretSpans());
        spans.sort((a, b) -> Integer.compare(b.start(), a.start()));
        String out = text;
        for (Flow.Span s : spans) {
            if (!REDACTED.equals(given.secrets().get(s.path()))) {
                continue;
            }
            String kept = e.flow == null ? null : e.flow.secrets().get(s.path());
            if (kept == null) {
                throw new FlowRefusedException(lineOf(text, s.start()), null, s.path(), "the secret is "
                    + REDACTED + " but the current version has none at " + s.path() + " to keep: give it");
            }
            String target = targetOf(given, s.path());
            if (!Objects.equals(target, targetOf(e.flow, s.path()))) {
                // else whoever may change the flow could send a secret it cannot read (an MQTT password, a webhook
                // secret signing what the flow writes) to a receiver of its own (an attacker's probe)
                throw new FlowRefusedException(lineOf(text, s.start()), null, s.path(), "the secret is "
                    + REDACTED + " but its step's target is not the current version's: a kept "
                    + "secret goes only where it went; give it again for a new target");
            }
            out = splice(out, s, "'" + kept.replace("'", "''") + "'");
        }
        return out;
    }

    /** The url or broker of the sink step a secret at {@code secretPath} belongs to, null for none. */
    private static String targetOf(Flow flow, String secretPath) {
        for (Flow.Sink sink : flow.sinks()) {
            if (secretPath.startsWith(sink.path() + "." + sink.kind() + ".")) {
                return sink.options().get(sink.kind().equals("webhook") ? "url" : "broker");
            }
        }
        return null;
    }

    /** The definition with every secret shown as {@value Config#REDACTED}. */
    static String redacted(String text) {
        Flow flow;
        try {
            flow = FlowParser.parse(text);
        } catch (RuntimeException e) {
            return null; // a stored definition that no longer parses shows nothing rather than its secrets
        }
        List<Flow.Span> spans = new ArrayList<>(flow.secretSpans());
        spans.sort((a, b) -> Integer.compare(b.start(), a.start()));
        String out = text;
        for (Flow.Span s : spans) {
            out = splice(out, s, "'" + REDACTED + "'");
        }
        return out;
    }

    /** Replaces a span given in code points. */
    private static String splice(String text, Flow.Span s, String with) {
        int start = text.offsetByCodePoints(0, s.start());
        int end = text.offsetByCodePoints(0, s.end());
        return text.substring(0, start) + with + text.substring(end);
    }

    private static int lineOf(String text, int codePoint) {
        int end = text.offsetByCodePoints(0, codePoint);
        int line = 1;
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private String currentText(Entry e) {
        return store.version(e.row.name(), e.row.version()).map(FlowStore.Version::definition).orElse(null);
    }

    private FlowView flowView(Entry e) {
        RouteCounters c = camel.counters(e.row.name());
        String text = currentText(e);
        return new FlowView(e.row.name(), e.row.member(), e.flow == null ? null : e.flow.description(),
            e.row.version(), ENABLED.equals(e.row.desired()), e.state, text == null ? null : redacted(text), c.in(),
            c.out(), c.failed(), e.error != null ? e.error : c.lastError(),
            e.error != null ? e.errorAt : c.lastErrorAt(), e.row.createdAt(), e.row.updatedAt());
    }

    private IntegrationView integrationView(Entry e) {
        RouteCounters c = camel.counters(e.row.name());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("version", e.row.version());
        config.put("member", e.row.member() == null ? HUB : e.row.member());
        config.put("subscription", FlowCompiler.subscription(e.row.name()));
        return new IntegrationView(e.row.name(), "flow", HUB, e.state, config, c.in(), c.out(), c.failed(),
            e.error != null ? e.error : c.lastError(), e.error != null ? e.errorAt : c.lastErrorAt(), 0,
            e.row.createdAt(), e.row.updatedAt());
    }
}
