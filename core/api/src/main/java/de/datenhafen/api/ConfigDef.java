package de.datenhafen.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A config declaration: the keys a connector (or the hub itself) takes. Declared once; the same declaration
 * validates configs, fills in defaults, masks secrets and yields the JSON Schema an admin's form is built from.
 *
 * <pre>{@code
 * ConfigDef.builder()
 *     .define("url", ConfigType.STRING, null, true, "Feed URL")
 *     .define("interval", ConfigType.DURATION, "30s", false, "How often to poll")
 *     .secret("api-key", ConfigType.STRING, null, false, "Key sent as X-Api-Key")
 *     .check("url", ConfigCheck.url("https"))
 *     .check("interval", ConfigCheck.between(Duration.ofSeconds(5), Duration.ofHours(1)))
 *     .retired("token", "was replaced by member tokens: ...")
 *     .build();
 * }</pre>
 *
 * <p>A key that bounds what the others may reach (the folder a file must lie in, the hosts a URL may name, a limit that
 * keeps the hub's memory or CPU safe from what the other keys let in) is declared
 * {@link Builder#hubAdminOnly(String, List) hub-admin-only}: the member-admins who manage an integration set everything
 * else, and only a hub-admin sets its bounds. A key whose value is where one of the hub's sinks sends is declared a
 * {@link Builder#sinkTarget(String...) sink target}, so that the hub checks it where it checks the others. A list of
 * members' ids (who may send) is declared {@link Builder#memberIds(String...) member ids}, so that the hub, which knows
 * its members, refuses an id of none; a key that names another integration (the timetable live data belongs to) is
 * declared {@link Builder#integrationOf(String, String...) an integration of a connector}, for the same reason.
 */
public final class ConfigDef {

    private final Map<String, ConfigKey> keys;
    private final boolean allowUnknown;
    private final Map<String, List<ConfigCheck>> checks;
    private final Map<String, String> retired;
    private final Map<String, String> hubAdminOnly;
    private final Set<String> sinkTargets;
    private final Set<String> memberIds;
    private final Map<String, String> integrationsOf;

    private ConfigDef(Map<String, ConfigKey> keys, boolean allowUnknown, Map<String, List<ConfigCheck>> checks,
                      Map<String, String> retired, Map<String, String> hubAdminOnly, Set<String> sinkTargets,
                      Set<String> memberIds, Map<String, String> integrationsOf) {
        this.keys = keys;
        this.allowUnknown = allowUnknown;
        this.checks = checks;
        this.retired = retired;
        this.hubAdminOnly = hubAdminOnly;
        this.sinkTargets = sinkTargets;
        this.memberIds = memberIds;
        this.integrationsOf = integrationsOf;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A declaration with no keys. */
    public static ConfigDef empty() {
        return builder().build();
    }

    public Collection<ConfigKey> keys() {
        return keys.values();
    }

    public ConfigKey key(String name) {
        return keys.get(name);
    }

    /**
     * The declarative rules of key {@code name}, in the order added; empty when it has none.
     *
     * @since 1.1
     */
    public List<ConfigCheck> checks(String name) {
        return checks.getOrDefault(name, List.of());
    }

    /**
     * What replaced key {@code name} when it is retired (see {@link Builder#retired}), else null.
     *
     * @since 1.1
     */
    public String retired(String name) {
        return retired.get(name);
    }

    /**
     * Why only a hub-admin may set key {@code name} (see {@link Builder#hubAdminOnly(String, List)}), for the hub's
     * refusal ({@code "it bounds what source may reach"}); null when whoever manages the integration may set it.
     *
     * @since 1.6
     */
    public String hubAdminOnly(String name) {
        return hubAdminOnly.get(name);
    }

    /**
     * Whether key {@code name}'s value is where one of the hub's sinks sends (see {@link Builder#sinkTarget}).
     *
     * @since 1.7
     */
    public boolean sinkTarget(String name) {
        return sinkTargets.contains(name);
    }

    /**
     * Whether key {@code name}'s values are ids of the hub's members (see {@link Builder#memberIds}).
     *
     * @since 1.11
     */
    public boolean memberIds(String name) {
        return memberIds.contains(name);
    }

    /**
     * The connector whose integration key {@code name} names (see {@link Builder#integrationOf}), or null for a key
     * that names none.
     *
     * @since 1.14
     */
    public String integrationOf(String name) {
        return integrationsOf.get(name);
    }

    /**
     * Every problem with the given raw values, in declaration order; unknown keys come last. Empty when valid.
     */
    public List<ConfigProblem> validate(Map<String, ?> raw) {
        List<ConfigProblem> problems = new ArrayList<>();
        parseInto(raw, new LinkedHashMap<>(), problems);
        return problems;
    }

    /**
     * The validated, typed config with defaults filled in.
     *
     * @throws InvalidInputException naming the first key at fault (all problems are in its message)
     */
    public Config parse(Map<String, ?> raw) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        parseInto(raw, values, problems);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return new Config(this, values);
    }

    private void parseInto(Map<String, ?> raw, Map<String, Object> values, List<ConfigProblem> problems) {
        Map<String, ?> given = raw == null ? Map.of() : raw;
        for (ConfigKey key : keys.values()) {
            Object value = given.get(key.name());
            if (value == null || (value instanceof String s && s.isEmpty() && key.type() != ConfigType.STRING)) {
                if (key.defaultValue() != null) {
                    values.put(key.name(), key.defaultValue());
                } else if (key.required()) {
                    problems.add(ConfigProblem.coded(key.name(), "is required: " + key.description(),
                        "config.required"));
                }
                continue;
            }
            if (retired.containsKey(key.name())) {
                problems.add(new ConfigProblem(key.name(), retired.get(key.name())));
                continue;
            }
            try {
                Object parsed = key.type().parse(value);
                values.put(key.name(), parsed);
                for (ConfigCheck check : checks(key.name())) {
                    // a check's message repeats the value; a secret's must not appear in an answer or a log
                    ConfigProblem problem = check.problemOf(key.name(), parsed, key.secret());
                    if (problem != null) {
                        problems.add(problem);
                        break;
                    }
                }
            } catch (IllegalArgumentException e) {
                problems.add(ConfigProblem.coded(key.name(), e.getMessage(), "config.type." + key.type().name()));
            }
        }
        for (Map.Entry<String, ?> entry : given.entrySet()) {
            if (keys.containsKey(entry.getKey())) {
                continue;
            }
            if (allowUnknown) {
                values.put(entry.getKey(), entry.getValue() == null ? null : entry.getValue().toString());
            } else {
                problems.add(ConfigProblem.coded(entry.getKey(), "is not a known key; known keys: "
                    + String.join(", ", keys.keySet()), "config.unknown", String.join(", ", keys.keySet())));
            }
        }
    }

    @Override
    public String toString() {
        return "ConfigDef" + keys.values();
    }

    /** Collects key declarations in order. */
    public static final class Builder {
        private final Map<String, ConfigKey> keys = new LinkedHashMap<>();
        private final Map<String, List<ConfigCheck>> checks = new LinkedHashMap<>();
        private final Map<String, String> retired = new LinkedHashMap<>();
        private final Map<String, String> hubAdminOnly = new LinkedHashMap<>();
        private final Set<String> sinkTargets = new LinkedHashSet<>();
        private final Set<String> memberIds = new LinkedHashSet<>();
        private final Map<String, String> integrationsOf = new LinkedHashMap<>();
        private boolean allowUnknown;

        private Builder() {
        }

        public Builder define(String name, ConfigType type, Object defaultValue, boolean required,
                              String description) {
            return add(new ConfigKey(name, type, defaultValue, required, description, false));
        }

        public Builder secret(String name, ConfigType type, Object defaultValue, boolean required,
                              String description) {
            return add(new ConfigKey(name, type, defaultValue, required, description, true));
        }

        public Builder add(ConfigKey key) {
            Objects.requireNonNull(key, "key");
            if (keys.putIfAbsent(key.name(), key) != null) {
                throw new IllegalArgumentException("config key '" + key.name() + "' is declared twice");
            }
            return this;
        }

        /**
         * Adds rules to key {@code name}, declared before: a value that breaks one is a problem of that key wherever
         * the config is validated, and the rules appear in the connector's JSON Schema. Defaults are checked too, so
         * a default that breaks its own rule fails here, when the plugin declares it.
         *
         * @throws IllegalArgumentException when the key is not declared yet or its default breaks a rule
         * @since 1.1
         */
        public Builder check(String name, ConfigCheck... rules) {
            ConfigKey key = keys.get(name);
            if (key == null) {
                throw new IllegalArgumentException("config key '" + name + "' must be defined before its checks");
            }
            for (ConfigCheck rule : rules) {
                Objects.requireNonNull(rule, "rule");
                if (key.defaultValue() != null && rule.problem(key.defaultValue()) != null) {
                    throw new IllegalArgumentException("default of config key '" + name + "' "
                        + rule.problem(key.defaultValue()));
                }
                checks.computeIfAbsent(name, k -> new ArrayList<>()).add(rule);
            }
            return this;
        }

        /**
         * Declares a key that a connector no longer takes, and what replaced it: a config that still sets it is
         * refused with {@code message} as the problem of that key (by validate, create and at start), instead of
         * failing as "not a known key" or being silently ignored. Kept secret, so an old value stays sealed and is
         * never shown.
         *
         * @param message what to do instead, for the admin ({@code "was replaced by senders: list the members..."})
         * @since 1.1
         */
        public Builder retired(String name, String message) {
            Objects.requireNonNull(message, "message");
            add(new ConfigKey(name, ConfigType.STRING, null, false, "Retired: " + message, true));
            retired.put(name, message);
            return this;
        }

        /**
         * Declares keys that only a hub-admin may set: those that bound what the connector's other keys may reach or
         * take (the folder a file source must lie in, the hosts a URL may name, a limit that keeps the hub's memory or
         * CPU safe from a feed or from public callers). Such a bound is no bound when the member-admin who sets the
         * other keys may set it too: {@code import-folder: "/"} would open every file the hub can read.
         *
         * <p>The hub refuses (403, naming the key) a create or validate of an integration by anyone but a hub-admin
         * that gives such a key another value than its default, and an update (or its validate) that changes it from
         * its current value; left out of their update, it keeps its current value. A hub-admin sets it as any other
         * key. Whoever may read the integration still sees its value.
         *
         * @param reason what the keys bound, ending the hub's refusal "only a hub-admin may set import-folder: ..."
         *               ({@code "it bounds what source may reach"})
         * @param names keys declared before
         * @throws IllegalArgumentException when a key is not declared yet, or no reason is given
         * @since 1.6
         */
        public Builder hubAdminOnly(String reason, List<String> names) {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("say what the hub-admin-only keys " + names + " bound");
            }
            for (String name : names) {
                if (!keys.containsKey(name)) {
                    throw new IllegalArgumentException("config key '" + name
                        + "' must be defined before it is made hub-admin-only");
                }
                hubAdminOnly.put(name, reason);
            }
            return this;
        }

        /**
         * As {@link #hubAdminOnly(String, List)}, with the reason "it bounds what this connector may reach or take of
         * the hub".
         *
         * @since 1.6
         */
        public Builder hubAdminOnly(String... names) {
            return hubAdminOnly("it bounds what this connector may reach or take of the hub", List.of(names));
        }

        /**
         * Declares keys whose value is where one of the hub's sinks sends: the {@code url} a connector's routes hand
         * to {@code webhook:}, the {@code broker} they hand to {@code mqtt-out:}. Those sinks send to public addresses
         * only, unless the hub's operator lists more ({@code sinks.allowed-private-hosts}), and a sink refuses a target
         * written as another address when its routes start. The routes are plugin code, which the hub does not run
         * for a mere check; this declaration lets it check such a value wherever it validates the config
         * ({@code POST .../validate}, create, update), so a dry run names the key that create would refuse (400, with
         * the same message) instead of calling the config valid. A host name passes then: the sink checks the
         * addresses it resolves to at each connection.
         *
         * <p>The value is a URI with a host ({@code https://receiver.example.org/in}, {@code ssl://broker:8883}); give
         * the key a check of its own for its form ({@link ConfigCheck#url}, {@link ConfigCheck#pattern}).
         *
         * @param names STRING keys declared before
         * @throws IllegalArgumentException when a key is not declared yet or is not a STRING
         * @since 1.7
         */
        public Builder sinkTarget(String... names) {
            for (String name : names) {
                sinkTargets.add(declared(name, ConfigType.STRING, "a sink target", "a sink target is a STRING (a URI)"));
            }
            return this;
        }

        /**
         * Marks LIST keys whose values are ids of the hub's members ({@code "senders": ["parkhaus-gmbh"]}): the hub
         * refuses an integration that names an id of no member, at its create, its update and {@code /validate}, with
         * the key and the id, so that a mistyped id does not silently shut out the member it meant. A plugin cannot
         * see the hub's members; the hub checks them. A member suspended or removed later leaves the value as it is
         * (a suspended member's tokens and people are refused anyway).
         *
         * @param names LIST keys declared before
         * @throws IllegalArgumentException when a key is not declared yet or is not a LIST
         * @since 1.11
         */
        public Builder memberIds(String... names) {
            for (String name : names) {
                memberIds.add(declared(name, ConfigType.LIST, "a list of member ids", "member ids are a LIST"));
            }
            return this;
        }

        /**
         * Marks STRING keys whose value is the name of another integration, one of {@code connector}'s
         * ({@code "schedule": "stadtverkehr-fahrplan"}, the timetable a live feed belongs to): the hub refuses a name
         * of no integration, or of another connector's, at its create, its update and {@code /validate}, with the key
         * and the name (a mistyped name made an integration that waited for ever), and the console offers the
         * connector's integrations to choose from. A plugin cannot see the hub's integrations; the hub checks them. An
         * integration deleted or renamed later leaves the value as it is: the connector says, while it runs, that
         * the one it names is not there.
         *
         * @param connector the connector whose integrations the keys name, of this plugin or another
         * @param names STRING keys declared before
         * @throws IllegalArgumentException when a key is not declared yet or is not a STRING, or no connector is given
         * @since 1.14
         */
        public Builder integrationOf(String connector, String... names) {
            if (connector == null || connector.isBlank()) {
                throw new IllegalArgumentException("integrationOf: name the connector whose integrations the keys "
                    + "name");
            }
            for (String name : names) {
                integrationsOf.put(declared(name, ConfigType.STRING, "the name of an integration",
                    "an integration's name is a STRING"), connector);
            }
            return this;
        }

        /** {@code name}, a key declared before as a {@code type}; else what it was to be made, and why not. */
        private String declared(String name, ConfigType type, String made, String typeRule) {
            ConfigKey key = keys.get(name);
            if (key == null) {
                throw new IllegalArgumentException("config key '" + name + "' must be defined before it is made "
                    + made);
            }
            if (key.type() != type) {
                throw new IllegalArgumentException("config key '" + name + "' is a " + key.type() + "; " + typeRule);
            }
            return name;
        }

        /** Accept keys that are not declared (they are kept as strings); off by default. */
        public Builder allowUnknownKeys() {
            this.allowUnknown = true;
            return this;
        }

        public ConfigDef build() {
            Map<String, List<ConfigCheck>> rules = new LinkedHashMap<>();
            checks.forEach((k, v) -> rules.put(k, List.copyOf(v)));
            return new ConfigDef(Collections.unmodifiableMap(new LinkedHashMap<>(keys)), allowUnknown,
                Collections.unmodifiableMap(rules), Collections.unmodifiableMap(new LinkedHashMap<>(retired)),
                Collections.unmodifiableMap(new LinkedHashMap<>(hubAdminOnly)), Set.copyOf(sinkTargets),
                Set.copyOf(memberIds), Collections.unmodifiableMap(new LinkedHashMap<>(integrationsOf)));
        }
    }
}
