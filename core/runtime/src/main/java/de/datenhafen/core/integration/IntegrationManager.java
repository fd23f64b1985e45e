package de.datenhafen.core.integration;

import de.datenhafen.api.BusPublisher;
import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigKey;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.ConflictException;
import de.datenhafen.api.Connector;
import de.datenhafen.api.HubException;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.PluginContext;
import de.datenhafen.api.web.PublicSection;
import de.datenhafen.core.camel.CamelFailures;
import de.datenhafen.core.camel.CamelHost;
import de.datenhafen.core.camel.HubHttpComponent.PathTakenException;
import de.datenhafen.core.camel.HubHttpComponent;
import de.datenhafen.core.camel.RouteCounters;
import de.datenhafen.core.camel.RouteOwner;
import de.datenhafen.core.city.PublicSections;
import de.datenhafen.core.config.HubConfig;
import de.datenhafen.core.node.Changes;
import de.datenhafen.core.plugin.LoadedPlugin;
import de.datenhafen.core.plugin.PluginHost;
import de.datenhafen.core.plugin.PluginListener;
import de.datenhafen.core.plugin.PluginProblems;
import de.datenhafen.core.security.SecretBox;
import de.datenhafen.core.security.SecretText;
import de.datenhafen.core.sink.SinkAddressPolicy;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.StopReasons;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, starts, pauses, resumes, restarts and deletes integrations, and follows their plugins: when a plugin
 * starts, its integrations start in the state the admin left them; when it stops, they stop first. A start that
 * fails is retried with exponential back-off a bounded number of times, then the integration stays failed with
 * its reason.
 *
 * <p>Methods block (plugin code builds the routes) and are serialized; call them from a worker thread.
 */
public final class IntegrationManager implements PluginListener, AutoCloseable {

    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String FAILED = "failed";
    public static final String STOPPED = "stopped";

    private static final Logger LOG = LoggerFactory.getLogger(IntegrationManager.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final HubConfig config;
    private final IntegrationStore store;
    private final StopReasons stopReasons;
    private final PluginHost plugins;
    private final CamelHost camel;
    private final SecretBox secrets;
    private final ScheduledExecutorService scheduler;
    private final PublicSections sections;
    private final Map<String, Entry> entries = new TreeMap<>();
    /** Integration name to plugin id, read without the lock (access checks on the event loop). */
    private final Map<String, String> pluginOfIntegration = new java.util.concurrent.ConcurrentHashMap<>();
    /** Tells the other nodes on the database of each change here (see {@link #shareChanges}). */
    private volatile Changes changes;
    /** The hub's own integrations (flows), listed and managed beside the plugins'. */
    private volatile HubIntegrations hubOwned = HubIntegrations.NONE;

    /** Runtime state of one integration. */
    private static final class Entry {
        IntegrationRecord record;
        String state = STOPPED;
        String error;
        /** The code the console says {@link #error} by, when the hub worded it ({@code integration.error.*}). */
        String errorCode;
        List<String> errorValues = List.of();
        Instant errorAt;
        int attempts;
        ScheduledFuture<?> retry;
        /**
         * Why the last start failed when the connector or the hub refused the config (a value its routes could not
         * take: no retry mends it), else null; an update whose config is so refused is undone.
         */
        String configRefused;
        /** Why it stopped itself (a 410 Gone), kept in the database until an admin resumes it. */
        StopReasons.Reason stopped;
        /** Why the last start failed, when it was a path another integration serves. */
        PathTakenException pathTaken;
        /**
         * Why the last start failed, when the hub refused a value of its config as the routes started: a hub sink
         * its target's address (SinkAddressPolicy), the hub a public path under its own ({@link PublicPaths}).
         */
        RefusedValue refusedTarget;
        /** The city-page sections its routes registered, shown while it runs; the plugin they came from. */
        List<PublicSection> sections = List.of();
        LoadedPlugin plugin;
        /**
         * What its connector's routes() asked to run when its routes are removed ({@link IntegrationContext#onStop}),
         * and the plugin to run it on; set before routes() is called, so a start that fails lets go too.
         */
        List<Runnable> stops = List.of();
        LoadedPlugin stopsOn;

        Entry(IntegrationRecord record) {
            this.record = record;
        }
    }

    private volatile java.util.function.Predicate<String> memberExists = id -> true;

    public IntegrationManager(HubConfig config, Database db, PluginHost plugins, CamelHost camel, SecretBox secrets,
                              ScheduledExecutorService scheduler, PublicSections sections) {
        this.config = config;
        this.store = new IntegrationStore(db);
        this.stopReasons = new StopReasons(db, StopReasons.Table.INTEGRATION);
        this.plugins = plugins;
        this.camel = camel;
        this.secrets = secrets;
        this.scheduler = scheduler;
        this.sections = sections;
    }

    /**
     * Whether a member of an id exists: what keys of member ids are checked against ({@link #memberIdProblem}). Until
     * the hub sets it, every id is taken.
     */
    public void memberExists(java.util.function.Predicate<String> exists) {
        this.memberExists = exists;
    }

    /** Lists the hub's own integrations (flows) with the plugins' and passes the integrations API's actions on. */
    public void hubIntegrations(HubIntegrations owned) {
        this.hubOwned = owned;
    }

    /** The kind of change notice an integration's change leaves for the other nodes. */
    public static final String CHANGE = "integration";

    /**
     * Shares changes with the other nodes on the database: each create, config change, pause, resume, restart and
     * delete made here is announced, and one announced by another node is applied here
     * ({@link #changedElsewhere}).
     */
    public void shareChanges(Changes changes) {
        this.changes = changes;
        changes.on(CHANGE, this::changedElsewhere);
    }

    private void announce(String name) {
        Changes c = changes;
        if (c != null) {
            c.announce(CHANGE, name);
        }
    }

    /**
     * Another node changed the integration: this node reads it from the database and builds its routes anew in the
     * stored state (or removes them, when it was deleted). Its timed routes and subscriptions still run on one node
     * only, by their leases.
     */
    public synchronized void changedElsewhere(String name) {
        Optional<IntegrationRecord> stored = store.all().stream().filter(r -> r.name().equals(name)).findFirst();
        Entry e = entries.get(name);
        if (stored.isEmpty()) {
            if (e != null) {
                cancelRetry(e);
                removeRoutes(name);
                camel.forgetCounters(name);
                entries.remove(name);
                pluginOfIntegration.remove(name);
                LOG.info("Integration {} deleted on another node", name);
            }
            return;
        }
        if (e == null) {
            e = new Entry(stored.get());
            entries.put(name, e);
            pluginOfIntegration.put(name, stored.get().pluginId());
        } else {
            e.record = stored.get();
        }
        cancelRetry(e);
        removeRoutes(name);
        e.state = STOPPED;
        e.attempts = 0;
        e.errorCode = null;
        e.error = null;
        start(e);
        LOG.info("Integration {} changed on another node: {}", name, e.state);
    }

    /** Reads the stored integrations; they start as their plugins start. Call before plugins load. */
    public synchronized void restore() {
        Map<String, StopReasons.Reason> reasons = stopReasons.all();
        for (IntegrationRecord r : store.all()) {
            Entry e = new Entry(r);
            hubError(e, "waiting", "waiting for plugin " + r.pluginId(), r.pluginId());
            e.stopped = reasons.get(r.name());
            entries.put(r.name(), e);
            pluginOfIntegration.put(r.name(), r.pluginId());
        }
        LOG.info("{} integrations restored from the database", entries.size());
    }

    /**
     * Every problem with a create request, each with the field at fault; empty when it would be accepted.
     *
     * @throws de.datenhafen.api.ForbiddenException when {@code writer} may not set a hub-admin-only key as given
     */
    public synchronized List<ConfigProblem> validate(String name, String connectorName, Map<String, Object> raw,
                                                     ConfigWriter writer) {
        raw = admitted(connectorName, raw, writer);
        List<ConfigProblem> problems = problems(name, connectorName, raw);
        if (problems.isEmpty()) {
            ConfigProblem taken = pathTaken(name, connector(connectorName).orElseThrow(), raw);
            if (taken != null) {
                problems.add(taken);
            }
        }
        return problems;
    }

    /**
     * A problem the hub words itself, with the code of its catalogue ({@code errors/messages_de.properties}) that says
     * it in German to a client that asks so (the console's German form).
     */
    private static ConfigProblem codedProblem(String code, String field, String message, Object... args) {
        return new ConfigProblem(field, message, code, java.util.Arrays.asList(args));
    }

    /** The problems of the request itself, before any clash with what runs. */
    private List<ConfigProblem> problems(String name, String connectorName, Map<String, Object> raw) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add(codedProblem("text.required", "name", "is required"));
        } else if (!NAME.matcher(name).matches()) {
            problems.add(codedProblem("integration.name", "name",
                "must be 1 to 63 lower case letters, digits or dashes, starting with a letter or digit"));
        } else if (entries.containsKey(name)) {
            problems.add(codedProblem("integration.exists", "name", "integration '" + name + "' already exists",
                name));
        } else if (hubOwned.has(name)) {
            problems.add(codedProblem("integration.flowsName", "name", "flow '" + name + "' has that name; a flow "
                + "runs as an integration of the same name", name));
        }
        if (connectorName == null || connectorName.isBlank()) {
            problems.add(codedProblem("text.required", "connector", "is required"));
            return problems;
        }
        Optional<Connector> connector = connector(connectorName);
        if (connector.isEmpty()) {
            String shown = connectorName.length() > 64 ? connectorName.substring(0, 64) + "…" : connectorName;
            problems.add(codedProblem("integration.noConnector", "connector", "no started plugin offers a connector "
                + "named '" + connectorName + "'", shown));
            return problems;
        }
        problems.addAll(configProblems(connectorName, connector.get(), raw));
        return problems;
    }

    /**
     * The problems of a config for a connector, each named {@code config.<key>}: its declared checks, its rules across
     * keys, and a sink target the hub's sinks would refuse ({@link #sinkTargetProblem}).
     */
    private List<ConfigProblem> configProblems(String connectorName, Connector connector, Map<String, Object> raw) {
        List<ConfigProblem> configProblems = connector.config().validate(raw);
        if (configProblems.isEmpty()) {
            configProblems = crossKeyProblems(connectorName, connector, connector.config().parse(raw));
        }
        List<ConfigProblem> out = new ArrayList<>();
        for (ConfigProblem p : configProblems) {
            out.add(new ConfigProblem("config." + p.field(), p.message(), p.code(), p.args()));
        }
        ConfigProblem target = sinkTargetProblem(connector, raw, configProblems);
        if (target != null) {
            out.add(target);
        }
        // also while other keys have problems (a form filled in another order learnt of a mistyped id last)
        ConfigProblem member = memberIdProblem(connector, raw, configProblems);
        if (member != null) {
            out.add(member);
        }
        out.addAll(integrationProblems(connector, raw, configProblems));
        return out;
    }

    /**
     * Each key naming another integration ({@link de.datenhafen.api.ConfigDef.Builder#integrationOf}) whose value is
     * the name of no integration, or of another connector's, as a problem of that key: the hub knows its integrations,
     * a plugin does not, and a mistyped timetable's name made a live feed that waited for ever without a word.
     */
    private List<ConfigProblem> integrationProblems(Connector connector, Map<String, Object> raw,
                                                    List<ConfigProblem> found) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (raw == null) {
            return problems;
        }
        for (ConfigKey key : connector.config().keys()) {
            String wanted = connector.config().integrationOf(key.name());
            boolean refusedAlready = found.stream().anyMatch(p -> p.field().equals(key.name()));
            if (wanted == null || refusedAlready || !(raw.get(key.name()) instanceof String named)
                || named.isBlank()) {
                continue;
            }
            String shown = named.length() > 64 ? named.substring(0, 64) + "…" : named;
            String lists = "; " + key.name() + " names a " + wanted + " integration (GET /api/v1/admin/integrations)";
            String is = connectorOf(named.strip());
            if (is == null) {
                problems.add(codedProblem("integration.noIntegration", "config." + key.name(), "there is no "
                    + "integration '" + shown + "'" + lists, shown, key.name(), wanted));
            } else if (!is.equals(wanted)) {
                problems.add(codedProblem("integration.otherConnector", "config." + key.name(), "'" + shown
                    + "' is a " + is + " integration" + lists, shown, key.name(), wanted, is));
            }
        }
        return problems;
    }

    /** The connector of the plugins' integration {@code name}, or null when there is none of that name. */
    private synchronized String connectorOf(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.record.connector();
    }

    /**
     * The first value of a sink target key ({@link de.datenhafen.api.ConfigDef.Builder#sinkTarget}) that the hub's
     * sinks would refuse when the routes start, as the same problem ({@link #refusedTarget}), found with the policy
     * they apply and without building anything: so {@code /validate} names what create and update refuse. A key that
     * has a problem already is left to it. Null when there is none.
     *
     * <p>A connector that does not declare its sink targets (one built on an API before 1.7) is refused only as its
     * routes start, by {@link #create} and {@link #update}.
     */
    private ConfigProblem sinkTargetProblem(Connector connector, Map<String, Object> raw, List<ConfigProblem> found) {
        if (raw == null) {
            return null;
        }
        for (ConfigKey key : connector.config().keys()) {
            boolean refusedAlready = found.stream().anyMatch(p -> p.field().equals(key.name()));
            if (connector.config().sinkTarget(key.name()) && !refusedAlready
                && raw.get(key.name()) instanceof String target) {
                try {
                    camel.sinkPolicy().checkConfigured(key.name(), target);
                } catch (SinkAddressPolicy.Refused refused) {
                    return refusedTarget(connector, raw, new RefusedValue(refused.value(), refused.reason()));
                }
            }
        }
        return null;
    }

    /**
     * The first value of a key of member ids ({@link de.datenhafen.api.ConfigDef.Builder#memberIds}) that is the id of
     * no member, as a problem of that key: the hub knows its members, a plugin does not, and a mistyped id in an
     * ingest's {@code senders} shut out the member it meant without a word. Null when there is none.
     */
    private ConfigProblem memberIdProblem(Connector connector, Map<String, Object> raw, List<ConfigProblem> found) {
        if (raw == null) {
            return null;
        }
        for (ConfigKey key : connector.config().keys()) {
            boolean refusedAlready = found.stream().anyMatch(p -> p.field().equals(key.name()));
            Object given = raw.get(key.name());
            // a list as JSON has it, or as a form sends it (ids separated by commas, as the config reads it)
            List<?> ids = given instanceof List<?> l ? l : given instanceof String text
                ? java.util.Arrays.stream(text.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList()
                : List.of();
            if (!connector.config().memberIds(key.name()) || refusedAlready) {
                continue;
            }
            for (Object value : ids) {
                if (value instanceof String id && !memberExists.test(id.strip())) {
                    String shown = id.length() > 64 ? id.substring(0, 64) + "…" : id;
                    String lower = id.strip().toLowerCase(java.util.Locale.ROOT);
                    String lists = "; " + key.name() + " lists ids of the hub's members (GET /api/v1/admin/members)";
                    if (!lower.equals(id) && memberExists.test(lower)) {
                        return codedProblem("integration.memberInCapitals", "config." + key.name(), "there is no "
                            + "member '" + shown + "' (ids are lower case: " + lower + ")" + lists, shown, key.name(),
                            lower);
                    }
                    return codedProblem("integration.noMember", "config." + key.name(), "there is no member '"
                        + shown + "'" + lists, shown, key.name());
                }
            }
        }
        return null;
    }

    /**
     * The config an update would store: {@code raw}, with each secret it leaves out, empty or redacted taken from
     * the stored config, so an edit form that never shows a secret does not erase it.
     */
    private Map<String, Object> withKeptSecrets(Entry e, Connector connector, Map<String, Object> raw) {
        Map<String, Object> given = new LinkedHashMap<>(raw == null ? Map.of() : raw);
        Map<String, Object> stored = unseal(connector, e.record.storedConfig());
        for (ConfigKey key : connector.config().keys()) {
            Object v = given.get(key.name());
            if (key.secret() && stored.containsKey(key.name())
                && (v == null || "".equals(v) || Config.REDACTED.equals(v))) {
                String moved = movedAddress(connector, stored, raw == null ? Map.of() : raw);
                if (moved != null) {
                    throw new InvalidInputException("the secret " + key.name() + " is left out or " + Config.REDACTED
                        + " but " + moved + " is not the stored one: a kept secret goes only where it went; give it "
                        + "again for a new address", "config." + key.name());
                }
                given.put(key.name(), stored.get(key.name()));
            }
        }
        return given;
    }

    /**
     * The first key whose stored or given value is an address ({@code scheme://...}: a broker, a URL a sink sends to,
     * a feed polled with an authorization) and that {@code given} changes, adds or removes, or null. A secret kept on
     * an update goes only where it went: whoever may change an integration, a member-admin of the plugin's owner too,
     * could otherwise point a hub-admin's sink at a receiver of its own (or add a second feed URL of its own beside
     * the stored one) and have the hub send it the password, or sign what it chooses with the webhook secret it cannot
     * read (an attacker's probe).
     */
    static String movedAddress(Connector connector, Map<String, Object> stored, Map<String, Object> given) {
        for (ConfigKey key : connector.config().keys()) {
            if (key.secret()) {
                continue;
            }
            String was = stored.get(key.name()) instanceof String w ? w.trim() : null;
            String now = given.get(key.name()) instanceof String n ? n.trim() : null;
            boolean address = was != null && ADDRESS.matcher(was).matches()
                || now != null && ADDRESS.matcher(now).matches();
            if (address && !java.util.Objects.equals(was, now)) {
                return key.name();
            }
        }
        return null;
    }

    /** A value that names where something is sent or fetched from: a URI with a scheme and an authority. */
    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile(
        "(?i)[a-z][a-z0-9+.-]*://\\S+");

    /**
     * What a create request's config is to {@code writer}: as given, refused when it sets a hub-admin-only key of the
     * connector (an unknown connector is the request's problem, named by the check that follows).
     */
    private Map<String, Object> admitted(String connectorName, Map<String, Object> raw, ConfigWriter writer) {
        Optional<Connector> connector = connectorName == null ? Optional.empty() : connector(connectorName);
        return connector.isEmpty() ? raw : writer.admit(connector.get().config(), raw, null);
    }

    /**
     * The config an update by {@code writer} would store: with the secrets it leaves out kept
     * ({@link #withKeptSecrets}), and, for a member, each hub-admin-only key it leaves out too; refused when it
     * changes one.
     */
    private Map<String, Object> updated(Entry e, Connector connector, Map<String, Object> raw, ConfigWriter writer) {
        return writer.admit(connector.config(), withKeptSecrets(e, connector, raw),
            unseal(connector, e.record.storedConfig()));
    }

    /**
     * Every problem with an update of {@code name}'s config; empty when it would be accepted.
     *
     * @throws de.datenhafen.api.ForbiddenException when {@code writer} may not change a hub-admin-only key as given
     */
    public synchronized List<ConfigProblem> validateUpdate(String name, Map<String, Object> raw, ConfigWriter writer) {
        Entry e = require(name);
        Connector connector = runningConnector(e);
        Map<String, Object> given = updated(e, connector, raw, writer);
        List<ConfigProblem> problems = configProblems(connector.name(), connector, given);
        if (problems.isEmpty()) {
            ConfigProblem taken = pathTaken(name, connector, given);
            if (taken != null) {
                problems.add(taken);
            }
        }
        return problems;
    }

    /**
     * Replaces an integration's config (its name and connector stay): checked as at create (400 naming each key,
     * nothing changed), a secret left out keeps its stored value, then stored and the routes built anew in the state
     * the admin wants (running, or paused). A hub-admin-only key is {@code writer}'s to change only when it is a
     * hub-admin's (else 403 naming the key, nothing changed).
     */
    public synchronized IntegrationView update(String name, Map<String, Object> raw, ConfigWriter writer) {
        return change(name, raw, writer).view();
    }

    /**
     * An update's outcome: the integration as it runs now, and the keys whose values changed (their names only: a
     * secret's value is in no audit entry), in the connector's order.
     */
    public record Updated(IntegrationView view, List<String> changedKeys) {
    }

    /** {@link #update}, saying which keys changed. */
    public synchronized Updated change(String name, Map<String, Object> raw, ConfigWriter writer) {
        Entry e = require(name);
        Connector connector = runningConnector(e);
        Map<String, Object> given = updated(e, connector, raw, writer);
        List<ConfigProblem> problems = configProblems(connector.name(), connector, given);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        ConfigProblem taken = pathTaken(name, connector, given);
        if (taken != null) {
            throw new ConflictException(taken.message(), taken.field());
        }
        IntegrationRecord before = e.record;
        List<String> changed = changedKeys(connector, unseal(connector, before.storedConfig()), given);
        e.record = e.record.withConfig(seal(connector, given));
        try {
            restart(e);
        } catch (RuntimeException notRestarted) { // its routes could not be stopped: nothing is changed
            e.record = before;
            throw notRestarted;
        }
        if (e.refusedTarget != null) {
            // the hub refused a value the new config names: 400 naming the key, and the old config runs on
            RefusedValue refused = e.refusedTarget;
            e.record = before;
            restart(e);
            throw new InvalidInputException(List.of(refusedTarget(connector, given, refused)));
        }
        if (e.configRefused != null) {
            // its routes could not take the new config: it is undone, and what ran before runs on (it was stored and
            // the running integration failed: an update half done)
            String why = SecretText.redact(e.configRefused, secretsOf(e));
            e.record = before;
            restart(e);
            LOG.info("Integration {}: a config change was undone: {}", name, why);
            throw (InvalidInputException) new InvalidInputException("the routes could not take the new config; "
                + "nothing changed: " + why, "config").coded("integration.updateRefused", why);
        }
        store.updateConfig(e.record);
        announce(name);
        LOG.info("Integration {}: config changed ({})", name, String.join(", ", changed));
        return new Updated(view(e), changed);
    }

    /** The keys whose effective values (a default where none is given) differ between two configs. */
    private static List<String> changedKeys(Connector connector, Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> was;
        try {
            was = connector.config().parse(before).values();
        } catch (RuntimeException unreadable) { // stored by an older version of the plugin: every key is news
            was = Map.of();
        }
        Map<String, Object> is = connector.config().parse(after).values();
        List<String> out = new ArrayList<>();
        for (de.datenhafen.api.ConfigKey key : connector.config().keys()) {
            if (!java.util.Objects.equals(was.get(key.name()), is.get(key.name()))) {
                out.add(key.name());
            }
        }
        return out;
    }

    /** Builds the routes anew from {@code e.record}, in the state the admin wants (running, or paused). */
    private void restart(Entry e) {
        String name = e.record.name();
        cancelRetry(e);
        removeRoutes(name);
        e.state = STOPPED;
        e.attempts = 0;
        e.errorCode = null;
        e.error = null;
        start(e);
        if (PAUSED.equals(e.record.desired()) && e.state.equals(RUNNING)) {
            try {
                camel.suspend(name);
                e.state = PAUSED;
            } catch (Exception ex) {
                fail(e, "could not pause: " + ex.getMessage(), false);
            }
        }
    }

    /**
     * The problem of a sink target the hub's address policy refused, naming the config key that holds it: a 400 at
     * create and update, a problem of {@code /validate}, in the same words.
     */
    /** A value of a config the hub refused as the routes started, and why (without the key, which it finds). */
    private record RefusedValue(String value, String reason) {
    }

    private static ConfigProblem refusedTarget(Connector connector, Map<String, Object> given, RefusedValue refused) {
        String field = "config";
        for (ConfigKey key : connector.config().keys()) {
            Object v = given.get(key.name());
            if (!key.secret() && v instanceof String s && same(s, refused.value())) {
                field = "config." + key.name();
                break;
            }
        }
        return new ConfigProblem(field, refused.reason());
    }

    /** A config value and a value the hub refused, alike but for surrounding white space and slashes (a path). */
    private static boolean same(String given, String refused) {
        return given.trim().replaceAll("^/+|/+$", "").equals(refused.trim().replaceAll("^/+|/+$", ""));
    }

    private Connector runningConnector(Entry e) {
        String connectorName = e.record.connector();
        return connector(connectorName).orElseThrow(() -> new ConflictException("no started plugin offers connector '"
            + connectorName + "' of integration " + e.record.name() + "; start its plugin, then change its config",
            "connector"));
    }

    /**
     * The connector's own rules across keys ({@link Connector#validate}), run with its plugin's class loader, each
     * problem's code its plugin's ({@link PluginProblems}); a validate that throws is a problem of the config as a
     * whole, not a failure of the hub.
     */
    private List<ConfigProblem> crossKeyProblems(String connectorName, Connector connector, Config config) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        LoadedPlugin plugin = plugins.pluginOffering(connectorName).orElse(null);
        if (plugin != null) {
            thread.setContextClassLoader(plugin.classLoader());
        }
        try {
            List<ConfigProblem> found = connector.validate(config);
            return found == null ? List.of()
                : found.stream().map(p -> PluginProblems.of(plugin, connectorName, p)).toList();
        } catch (RuntimeException e) {
            LOG.warn("Connector {} failed to validate a config", connectorName, e);
            return List.of(new ConfigProblem("config", "the connector's validate failed: " + e));
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /**
     * A path that another integration of the same connector serves and that the config would serve again, as a
     * problem naming the config key; null when there is none seen up front.
     *
     * <p>A connector does not declare its paths (they are built in plugin code, which must not run for a mere
     * check), so this compares each plain string value of the config, as a path below the plugin's root or as a
     * public path, with the paths the hub serves for integrations of this connector. That finds the usual clash
     * (a second {@code http-ingest} on {@code parking}) before anything is stored; any other clash (a connector with
     * fixed paths, or paths of two connectors) is found when the routes start, and {@link #create} then keeps
     * nothing and answers the same way.
     */
    private ConfigProblem pathTaken(String name, Connector connector, Map<String, Object> raw) {
        String root = plugins.pluginOffering(connector.name()).map(p -> "/api/v1/plugins/" + p.id() + "/").orElse(null);
        if (root == null || raw == null) {
            return null;
        }
        for (HubHttpComponent.PluginRoute held : camel.httpRoutes()) {
            Entry holder = held.integration() == null ? null : entries.get(held.integration());
            if (holder == null || held.integration().equals(name)
                || !holder.record.connector().equals(connector.name())) {
                continue;
            }
            for (ConfigKey key : connector.config().keys()) {
                for (String path : pathsOf(key, raw.get(key.name()), root)) {
                    if (HubHttpComponent.PluginRoute.pathsMeet(held.path(), held.prefix(), path, false)) {
                        return new ConfigProblem("config." + key.name(),
                            PathTakenException.message(path, held.integration()));
                    }
                }
            }
        }
        return null;
    }

    /** The config key whose value names {@code path} (or a path above it), or null when none does. */
    private static String keyNaming(Connector connector, Map<String, Object> raw, String root, String path) {
        for (ConfigKey key : connector.config().keys()) {
            for (String candidate : pathsOf(key, raw.get(key.name()), root)) {
                if (HubHttpComponent.PluginRoute.pathsMeet(candidate, true, path, false)) {
                    return "config." + key.name();
                }
            }
        }
        return null;
    }

    /** The paths a plain string config value could stand for: below the plugin's root, and public if it is one. */
    private static List<String> pathsOf(ConfigKey key, Object value, String root) {
        if (key.secret() || key.type() != ConfigType.STRING || !(value instanceof String s) || s.isBlank()) {
            return List.of();
        }
        String below = root + s.replaceAll("^/+", "");
        return s.startsWith("/") ? List.of(below, s) : List.of(below);
    }

    /**
     * Validates, stores and starts a new integration; a hub-admin-only key of the connector that {@code writer} may
     * not set as given is refused first (403 naming the key, nothing stored).
     */
    public synchronized IntegrationView create(String name, String connectorName, Map<String, Object> raw,
                                               ConfigWriter writer) {
        Map<String, Object> given = admitted(connectorName, raw == null ? Map.of() : raw, writer);
        List<ConfigProblem> problems = problems(name, connectorName, given);
        if (!problems.isEmpty()) {
            // a name taken and nothing else wrong: a conflict (409); with other problems, every one of them at once
            // (the form lost its config's problems to the name's 409, in English)
            if (problems.size() == 1 && problems.get(0).field().equals("name") && name != null
                && entries.containsKey(name)) {
                throw (ConflictException) new ConflictException(problems.get(0).message(), "name")
                    .coded("integration.exists", name);
            }
            throw new InvalidInputException(problems);
        }
        LoadedPlugin plugin = plugins.pluginOffering(connectorName).orElseThrow();
        Connector connector = connector(connectorName).orElseThrow();
        ConfigProblem taken = pathTaken(name, connector, given);
        if (taken != null) {
            throw new ConflictException(taken.message(), taken.field());
        }
        Instant now = Instant.now();
        IntegrationRecord record = new IntegrationRecord(name, connectorName, plugin.id(),
            seal(connector, given), RUNNING, now, now);
        store.insert(record);
        Entry entry = new Entry(record);
        entries.put(name, entry);
        pluginOfIntegration.put(name, plugin.id());
        LOG.info("Integration {} created from connector {} of plugin {}", name, connectorName, plugin.id());
        start(entry);
        if (entry.pathTaken != null) {
            // Found only as the routes started: the same answer as the check up front, and nothing kept.
            PathTakenException late = entry.pathTaken;
            forget(entry);
            throw new ConflictException(late.getMessage(),
                keyNaming(connector, given, "/api/v1/plugins/" + plugin.id() + "/", late.path()));
        }
        if (entry.refusedTarget != null) {
            // a hub sink (webhook:, mqtt-out:) refused the address its config names, or the hub a public path under
            // its own: 400 naming the key, nothing kept (a target of a key declared a sink target was refused
            // before, as /validate finds it)
            RefusedValue refused = entry.refusedTarget;
            forget(entry);
            throw new InvalidInputException(List.of(refusedTarget(connector, given, refused)));
        }
        announce(name); // after the start here: this node, where the admin made it, usually takes its leases first
        return view(entry);
    }

    /** The plugins' integrations, then the hub's own (flows). */
    public List<IntegrationView> list() {
        List<IntegrationView> out = new ArrayList<>(own());
        out.addAll(hubOwned.views());
        return out;
    }

    private synchronized List<IntegrationView> own() {
        return entries.values().stream().map(this::view).toList();
    }

    /** The id of the plugin whose connector integration {@code name} runs; empty for no such integration. */
    public Optional<String> pluginOf(String name) {
        return Optional.ofNullable(name == null ? null : pluginOfIntegration.get(name));
    }

    public synchronized IntegrationView get(String name) {
        if (!entries.containsKey(name)) {
            Optional<IntegrationView> owned = hubOwned.view(name);
            if (owned.isPresent()) {
                return owned.get();
            }
        }
        return view(require(name));
    }

    /** Whether {@code name} is one of the hub's own integrations (a flow) rather than a plugin's. */
    private boolean hubOwned(String name) {
        return !entries.containsKey(name) && hubOwned.has(name);
    }

    public synchronized IntegrationView pause(String name) {
        if (hubOwned(name)) {
            return hubOwned.pause(name);
        }
        Entry e = require(name);
        if (e.state.equals(FAILED)) {
            throw new ConflictException("integration " + name + " has failed and has nothing running to pause: "
                + e.error + " (fix its config, then restart it)", "state");
        }
        setDesired(e, PAUSED);
        if (e.state.equals(RUNNING)) {
            try {
                camel.suspend(name);
                sections.remove(name);
                e.state = PAUSED;
                LOG.info("Integration {} paused", name);
            } catch (Exception ex) {
                fail(e, "could not pause: " + ex.getMessage(), false);
            }
        }
        return view(e);
    }

    public synchronized IntegrationView resume(String name) {
        if (hubOwned(name)) {
            return hubOwned.resume(name);
        }
        Entry e = require(name);
        setDesired(e, RUNNING);
        if (e.state.equals(PAUSED)) {
            try {
                camel.resume(name);
                showSections(e);
                e.state = RUNNING;
                LOG.info("Integration {} resumed", name);
            } catch (Exception ex) {
                HubException refused = refusal(ex);
                if (refused != null) {
                    // a section whose id or path another integration took while this one was paused: as at a start,
                    // nothing of it keeps running and no retry (the next start would be refused again)
                    removeRoutes(name);
                    fail(e, refused.getMessage(), false);
                } else {
                    fail(e, "could not resume: " + ex.getMessage(), true);
                }
            }
        } else if (!e.state.equals(RUNNING)) {
            e.attempts = 0;
            start(e);
        }
        failedAgain(e, "resumed");
        return view(e);
    }

    /** An action meant to leave the integration running that left it failed is a conflict, with the reason. */
    private static void failedAgain(Entry e, String action) {
        if (e.state.equals(FAILED)) {
            throw new ConflictException("integration " + e.record.name() + " could not be " + action + ": " + e.error,
                "state");
        }
    }

    /** Stops the routes and builds them anew from the stored config; a failed integration gets fresh attempts. */
    public synchronized IntegrationView restart(String name) {
        if (hubOwned(name)) {
            return hubOwned.restart(name);
        }
        Entry e = require(name);
        cancelRetry(e);
        removeRoutes(name);
        e.state = STOPPED;
        e.attempts = 0;
        start(e);
        failedAgain(e, "restarted");
        return view(e);
    }

    public synchronized void delete(String name) {
        if (hubOwned(name)) {
            hubOwned.delete(name);
            return;
        }
        forget(require(name));
        LOG.info("Integration {} deleted", name);
    }

    private void forget(Entry e) {
        String name = e.record.name();
        cancelRetry(e);
        removeRoutes(name);
        camel.forgetCounters(name);
        store.delete(name);
        announce(name);
        entries.remove(name);
        pluginOfIntegration.remove(name);
    }

    /**
     * Stops a running integration because its own route asked (a webhook target answered 410 Gone), with the reason
     * the admin API and the console show; it stays stopped, also across restarts (desired: paused), until an admin
     * resumes or restarts it. Returns at once: the stop runs on the hub's scheduler, since it waits for the very
     * delivery that asked for it.
     */
    public void stopSoon(String name, String reason) {
        scheduler.execute(() -> {
            HubIntegrations owned = hubOwned;
            if (owned.has(name)) {
                owned.stopItself(name, reason); // a flow with a sink block
            } else {
                stopItself(name, reason);
            }
        });
    }

    private synchronized void stopItself(String name, String reason) {
        Entry e = entries.get(name);
        if (e == null || !e.state.equals(RUNNING)) {
            return; // deleted, paused or stopped in the meantime, or asked twice by parallel deliveries
        }
        cancelRetry(e);
        removeRoutes(name);
        e.state = STOPPED;
        reason = SecretText.redact(reason, secretsOf(e));
        e.errorCode = null;
        e.error = reason;
        e.errorAt = Instant.now();
        setDesired(e, PAUSED);
        e.stopped = new StopReasons.Reason(reason, e.errorAt);
        stopReasons.set(name, e.stopped);
        camel.counters(name).error(reason);
        LOG.warn("Integration {} stopped itself: {}; resume it when the target is back", name, reason);
    }

    /** Names of integrations the admin wants running that are not, with their reason; for readiness. */
    public synchronized Map<String, String> notRunning() {
        Map<String, String> out = new LinkedHashMap<>();
        entries.forEach((name, e) -> {
            if (e.state.equals(FAILED)) {
                out.put(name, e.error);
            }
        });
        return out;
    }

    @Override
    public synchronized void pluginStarted(LoadedPlugin plugin) {
        for (Entry e : entries.values()) {
            if (e.record.pluginId().equals(plugin.id()) && !e.state.equals(RUNNING) && !e.state.equals(PAUSED)) {
                e.attempts = 0;
                start(e);
            }
        }
    }

    @Override
    public synchronized void pluginStopping(LoadedPlugin plugin) {
        for (Entry e : entries.values()) {
            if (e.record.pluginId().equals(plugin.id())) {
                cancelRetry(e);
                stopRoutes(e);
                e.state = STOPPED;
                hubError(e, "pluginStopped", "plugin " + plugin.id() + " is not started", plugin.id());
                e.errorAt = Instant.now();
                LOG.info("Integration {} stopped: its plugin {} is stopping", e.record.name(), plugin.id());
            }
        }
    }

    /** Stops every integration's routes (shutdown); the stored desired states stay as they are. */
    @Override
    public synchronized void close() {
        for (Entry e : entries.values()) {
            cancelRetry(e);
            stopRoutes(e);
            e.state = STOPPED;
        }
    }

    /**
     * {@link #removeRoutes}, a failure logged and the next integration's taken on: routes held by a making that never
     * returns made the first one throw, and the rest of a plugin's or the hub's stop was skipped.
     */
    private void stopRoutes(Entry e) {
        try {
            removeRoutes(e.record.name());
        } catch (RuntimeException failed) {
            LOG.warn("Integration {}: its routes could not be stopped: {}", e.record.name(),
                CamelFailures.message(failed));
        }
    }

    private void start(Entry e) {
        cancelRetry(e);
        String name = e.record.name();
        Optional<LoadedPlugin> plugin = plugins.pluginOffering(e.record.connector());
        if (plugin.isEmpty()) {
            e.state = STOPPED;
            hubError(e, "noConnector", "connector " + e.record.connector() + " is not available: plugin "
                + e.record.pluginId() + " is not started", e.record.connector(), e.record.pluginId());
            e.errorAt = Instant.now();
            return;
        }
        LoadedPlugin p = plugin.get();
        Connector connector = p.connectors().stream().filter(c -> c.name().equals(e.record.connector()))
            .findFirst().orElseThrow();
        try {
            Config cfg = connector.config().parse(unseal(connector, e.record.storedConfig()));
            List<ConfigProblem> refused = crossKeyProblems(connector.name(), connector, cfg);
            if (!refused.isEmpty()) {
                throw new InvalidInputException(refused);
            }
            // the events belong to the plugin's owning member (its id); a plugin no member owns keeps its provider
            String member = plugins.ownerOf(p);
            RouteOwner owner = new RouteOwner(name, p.id(), member != null ? member : p.member(), p.classLoader());
            Context ctx = new Context(name, cfg, p.context(), camel.publisher(name));
            e.stops = ctx.stops;
            e.stopsOn = p;
            boolean paused = e.record.desired().equals(PAUSED); // its bus consumers deliver nothing before the suspend
            long attempt = camel.attempt(); // a removal from now on, even while routes() runs, voids these routes
            p.call("building the routes of integration " + name,
                () -> camel.addRoutes(owner, connector.routes(ctx), paused, attempt), config.pluginCallTimeout());
            e.sections = List.copyOf(ctx.sections);
            e.plugin = p;
            if (paused) {
                camel.suspend(name);
                e.state = PAUSED;
            } else {
                showSections(e);
                e.state = RUNNING;
            }
            e.attempts = 0;
            e.errorCode = null;
            e.error = null;
            e.pathTaken = null;
            e.refusedTarget = null;
            e.configRefused = null;
            if (e.stopped != null && e.state.equals(PAUSED)) {
                e.errorCode = null;
                e.error = e.stopped.text(); // it stopped itself before the hub's restart: still the reason
                e.errorAt = e.stopped.at();
            }
            LOG.info("Integration {} {} (connector {}, config {})", name, e.state, connector.name(), cfg);
        } catch (Exception ex) {
            removeRoutes(name);
            // A connector that refuses its config (InvalidInputException) will refuse it again, and a path another
            // integration serves stays taken until an admin acts: no retries, and the admin reads the reason itself.
            HubException refused = refusal(ex);
            e.pathTaken = refused instanceof PathTakenException taken ? taken : null;
            e.refusedTarget = refused instanceof SinkAddressPolicy.Refused target
                ? new RefusedValue(target.value(), target.reason())
                : refused instanceof ValueRefused value ? new RefusedValue(value.value(), value.getMessage()) : null;
            IllegalArgumentException argument = refusedArgument(ex);
            e.configRefused = refused != null ? refused.getMessage()
                : argument != null ? CamelFailures.message(argument) : null;
            fail(e, refused != null ? refused.getMessage() : ex.getMessage() == null ? ex.toString() : ex.getMessage(),
                refused == null);
        }
    }

    /** A value the routes could not take, as Camel and the plugin API say it, in {@code e}'s causes; else null. */
    private static IllegalArgumentException refusedArgument(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // the plain one a connector or Camel throws for a value it cannot take; not its kinds that say a number
            // did not parse or an address did not resolve (a network's moment, which a retry may mend)
            if (t.getClass() == IllegalArgumentException.class) {
                return (IllegalArgumentException) t;
            }
        }
        return null;
    }

    private static HubException refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException || t instanceof PathTakenException
                || t instanceof PublicSections.SectionTakenException) {
                return (HubException) t;
            }
        }
        return null;
    }

    private void removeRoutes(String name) {
        sections.remove(name);
        camel.remove(name);
        Entry e = entries.get(name);
        if (e != null) {
            // nothing of a stopped integration may keep its plugin's class loader (a deleted plugin's must go)
            e.sections = List.of();
            e.plugin = null;
            List<Runnable> stops = List.copyOf(e.stops);
            LoadedPlugin on = e.stopsOn;
            e.stops = List.of();
            e.stopsOn = null;
            if (!stops.isEmpty() && on != null) {
                letGo(name, on, stops, secretsOf(e));
            }
        }
    }

    /**
     * Runs what an integration's routes() asked to run at its stop ({@link IntegrationContext#onStop}), the last first,
     * in one call on its plugin's pool within the plugin call time; a failure is logged and the integration stops as
     * it would without them.
     */
    private void letGo(String name, LoadedPlugin on, List<Runnable> stops, List<String> secrets) {
        try {
            on.call("the stop actions of integration " + name, () -> {
                for (int i = stops.size() - 1; i >= 0; i--) {
                    try {
                        stops.get(i).run();
                    } catch (RuntimeException ex) {
                        if (Thread.currentThread().isInterrupted()) {
                            throw ex;
                        }
                        LOG.warn("Integration {}: a stop action failed: {}", name,
                            SecretText.redact(CamelFailures.described(ex), secrets));
                    }
                }
                return null;
            }, config.pluginCallTimeout());
        } catch (RuntimeException ex) {
            LOG.warn("Integration {}: {}", name, SecretText.redact(String.valueOf(ex.getMessage()), secrets));
        }
    }

    /**
     * Shows the integration's city-page sections; a clash with another's section or with a path another serves throws
     * (and the start fails). Paths are checked the other way round as routes start ({@code HubHttpComponent#serve});
     * this manager's methods are serialized, so neither check is passed while the other side is half done.
     */
    private void showSections(Entry e) {
        if (!e.sections.isEmpty()) {
            sections.add(e.record.name(), e.plugin.id(), e.plugin.classLoader(), e.sections, camel.httpRoutes());
        }
    }

    /** The integration's error in the hub's words, with the code the console says it by and its values. */
    private static void hubError(Entry e, String code, String text, String... values) {
        e.error = text;
        e.errorCode = code;
        e.errorValues = List.of(values);
        e.errorAt = Instant.now();
    }

    private void fail(Entry e, String failure, boolean retry) {
        String name = e.record.name();
        String reason = SecretText.redact(failure, secretsOf(e));
        e.state = FAILED;
        e.attempts++;
        e.errorCode = null;
        e.error = reason;
        e.errorAt = Instant.now();
        camel.counters(name).error(reason);
        int max = config.integrationRetries();
        if (retry && e.attempts <= max) {
            Duration wait = config.integrationBackoff().multipliedBy(1L << Math.min(20, e.attempts - 1));
            LOG.warn("Integration {} failed (attempt {} of {}): {}; retrying in {} ms", name, e.attempts, max + 1,
                reason, wait.toMillis());
            e.retry = scheduler.schedule(() -> retry(name), wait.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            LOG.error("Integration {} failed and stays failed after {} attempts: {}", name, e.attempts, reason);
        }
    }

    private synchronized void retry(String name) {
        Entry e = entries.get(name);
        if (e != null && e.state.equals(FAILED)) {
            e.retry = null;
            start(e);
        }
    }

    private void cancelRetry(Entry e) {
        if (e.retry != null) {
            e.retry.cancel(false);
            e.retry = null;
        }
    }

    private void setDesired(Entry e, String desired) {
        if (!e.record.desired().equals(desired)) {
            e.record = e.record.withDesired(desired);
            store.updateDesired(e.record);
            announce(e.record.name());
        }
        if (desired.equals(RUNNING) && e.stopped != null) {
            e.stopped = null; // an admin resumed it: the reason it stopped with is history
            stopReasons.set(e.record.name(), null);
        }
    }

    private Entry require(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new NotFoundException("no integration named '" + name + "'", "name");
        }
        return e;
    }

    private Optional<Connector> connector(String name) {
        return plugins.pluginOffering(name)
            .flatMap(p -> p.connectors().stream().filter(c -> c.name().equals(name)).findFirst());
    }

    private IntegrationView view(Entry e) {
        RouteCounters c = camel.counters(e.record.name());
        Map<String, Object> shown = new LinkedHashMap<>();
        Optional<Connector> connector = connector(e.record.connector());
        e.record.storedConfig().forEach((k, v) -> {
            boolean secret = v instanceof String s && s.startsWith(SecretBox.PREFIX);
            shown.put(k, secret ? Config.REDACTED : v);
        });
        connector.ifPresent(conn -> conn.config().keys().forEach(k -> {
            if (!shown.containsKey(k.name()) && k.defaultValue() != null && !k.secret()) {
                Object d = k.defaultValue();
                shown.put(k.name(), d instanceof Duration duration ? duration.toString() : d);
            }
        }));
        String error = e.error != null ? e.error : c.lastError();
        Instant errorAt = e.error != null ? e.errorAt : c.lastErrorAt();
        return new IntegrationView(e.record.name(), e.record.connector(), e.record.pluginId(), e.state, shown,
            c.in(), c.out(), c.failed(), error, errorAt, e.attempts, e.record.createdAt(), e.record.updatedAt(),
            e.error != null ? e.errorCode : null, e.error != null && e.errorCode != null ? e.errorValues : List.of());
    }

    /** The raw config as stored: secret values encrypted. */
    private Map<String, Object> seal(Connector connector, Map<String, Object> raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            ConfigKey key = connector.config().key(k);
            out.put(k, key != null && key.secret() && v != null ? secrets.encrypt(v.toString()) : v);
        });
        return out;
    }

    /**
     * The integration's secret values in plain text, to take out of what a failure says ({@link SecretText}): its own
     * words may quote them (a URI that did not parse, a library's message).
     */
    private List<String> secretsOf(Entry e) {
        List<String> out = new ArrayList<>();
        e.record.storedConfig().values().forEach(v -> {
            if (v instanceof String s && s.startsWith(SecretBox.PREFIX)) {
                out.add(secrets.decrypt(s));
            }
        });
        return out;
    }

    private Map<String, Object> unseal(Connector connector, Map<String, Object> stored) {
        Map<String, Object> out = new LinkedHashMap<>();
        stored.forEach((k, v) -> out.put(k, v instanceof String s && s.startsWith(SecretBox.PREFIX)
            ? secrets.decrypt(s) : v));
        return out;
    }

    private static final class Context implements IntegrationContext {
        private static final Pattern LOCAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*");
        private final String name;
        private final Config config;
        private final PluginContext plugin;
        private final BusPublisher publisher;
        /** Added by the connector's routes(), on the plugin's thread; read after it returned. */
        private final List<PublicSection> sections = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** {@link #onStop}: added by the connector's routes(), run when the routes are removed. */
        private final List<Runnable> stops = new java.util.concurrent.CopyOnWriteArrayList<>();

        Context(String name, Config config, PluginContext plugin, BusPublisher publisher) {
            this.name = name;
            this.config = config;
            this.plugin = plugin;
            this.publisher = publisher;
        }

        @Override
        public BusPublisher publisher() {
            return publisher;
        }

        @Override
        public String integrationName() {
            return name;
        }

        @Override
        public Config config() {
            return config;
        }

        @Override
        public PluginContext plugin() {
            return plugin;
        }

        @Override
        public String routeId(String localName) {
            if (localName == null || !LOCAL.matcher(localName).matches()) {
                throw new IllegalArgumentException("route name '" + localName
                    + "' must be letters, digits, dots or dashes");
            }
            return name + "." + localName;
        }

        @Override
        public String httpEndpoint(String subPath) {
            String sub = subPath == null ? "" : subPath.startsWith("/") ? subPath.substring(1) : subPath;
            return "hub-http:/api/v1/plugins/" + plugin.pluginId() + "/" + PublicPaths.checkedBelowPlugin(sub);
        }

        @Override
        public String bus(String eventType) {
            return "bus:" + PublicPaths.checkedType(eventType);
        }

        @Override
        public String publicEndpoint(String rootPath) {
            return "hub-http:" + PublicPaths.checked(rootPath) + "/";
        }

        @Override
        public void publicSection(PublicSection section) {
            PublicSections.checkedId(java.util.Objects.requireNonNull(section, "section"));
            sections.add(section);
        }

        @Override
        public void onStop(Runnable action) {
            stops.add(java.util.Objects.requireNonNull(action, "action"));
        }
    }
}
