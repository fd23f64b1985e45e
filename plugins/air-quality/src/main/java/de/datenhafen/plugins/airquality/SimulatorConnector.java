package de.datenhafen.plugins.airquality;

import de.datenhafen.api.Config;
import de.datenhafen.api.ConfigCheck;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code airquality-simulator}: monitors in simulated school rooms, for demos and load. On start it registers its
 * sites ({@code sim-01} ...), rooms (classrooms, a staff room and a canteen per site) and devices (EUIs
 * {@code 5A11...}) if they are missing. The simulated clock starts at the real one and runs at {@code speed-up} times
 * real time; the rooms' first readings lie {@code backfill} before the start. Each second, every room whose next reading
 * is due by the simulated clock gets it ({@link SchoolDay}), at most {@code max-per-second} in all, put on the bus as
 * {@code air.reading} events like uplinks; a backlog (the backfill) is caught up in time order across the rooms.
 *
 * <p>At {@code speed-up} 1 (the demo) readings are stamped with the real time, whatever the backfill: the backfill
 * moves the first readings back, not the clock (it used to move the clock, which left every reading {@code backfill}
 * behind the real time for good). Above 1 the simulated clock runs ahead of the real one, below 1 behind it: load
 * tests, not a picture of now.
 */
final class SimulatorConnector implements Connector {

    /** The most sites: far more schools than a city has (the demo's 70); the rooms must cover them. */
    static final int MAX_SITES = 1_000;
    /**
     * The most rooms (and devices): four times the demo's 2,500. Each is a room, a device and its installation in the
     * registry, four SensorThings Datastreams, a projection row and an object here; 10,000 of them are megabytes, a
     * billion would fill the heap and the database before the first reading.
     */
    static final int MAX_ROOMS = 10_000;
    /**
     * The most readings a second: about what the hub's bus commits at full speed on the project's two cores (9,000 to
     * 13,000 events a second, docs/benchmarks.md), so a load test can still fill it; more would only queue up in one
     * tick's list, which this also bounds.
     */
    static final int MAX_PER_SECOND = 10_000;
    /**
     * The readings a second when a hub-admin has set no other rate, so what a member's admin gets: a city's 2,500 rooms
     * every minute are 42 a second, the demo's every 5 minutes 8. It bounds what one member's simulation can put into
     * the hub's database, 8.6 million readings a day (about 0.5 GB), whatever its size and speed-up; it was 5,000 a
     * second, 432 million a day, which fills a small server's disk in days. A backfill is caught up at this rate (the
     * demo's two hours of 2,500 rooms in 10 minutes; the demo itself runs at 3,000, set by the hub).
     */
    static final int DEFAULT_PER_SECOND = 100;

    private final AirQuality air;
    private final InstantSource clock;

    SimulatorConnector(AirQuality air) {
        this(air, Clock.systemUTC());
    }

    /** With a clock of the test's choosing: the simulation at 03:00 or 08:00 whenever the test runs. */
    SimulatorConnector(AirQuality air, InstantSource clock) {
        this.air = air;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "airquality-simulator";
    }

    @Override
    public String description() {
        return "Simulated air-quality monitors in school rooms (a realistic school day at a chosen speed-up), "
            + "for demos and load; readings go on the bus as air.reading.";
    }

    /**
     * The simulation's size ({@code sites}, {@code rooms}) has upper bounds of the plugin's, which leave the demo
     * (70 sites, 2,500 rooms, 3,000 readings a second) and the load tests room to spare.
     *
     * <p>{@code max-per-second} is hub-admin-only: it bounds what the hub spends on the simulation, the readings a
     * second put on its bus and into its database, whatever {@code rooms}, {@code interval}, {@code speed-up} and
     * {@code backfill} ask for (a backfill of a year at 10,000 rooms is caught up at this rate for days), and a bound
     * set by the member-admin who sets those keys would be none. So a member's admin runs the simulation at the
     * default rate, and a hub-admin raises it for a load test up to {@link #MAX_PER_SECOND}, or lowers it. The size
     * stays the member-admin's: within its bounds it is the simulation they ask for, not a bound of what others let in.
     */
    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("sites", ConfigType.INT, 70, false, "Number of simulated school sites")
            .define("rooms", ConfigType.INT, 2500, false, "Number of simulated rooms, spread over the sites")
            .define("interval", ConfigType.DURATION, "5m", false, "Simulated time between a device's readings")
            .define("speed-up", ConfigType.DOUBLE, 1.0, false,
                "Simulated seconds per real second (1: readings stamped with the real time)")
            .define("backfill", ConfigType.DURATION, "0s", false,
                "The rooms' first readings lie this long before the start (caught up as fast as max-per-second "
                    + "allows; the clock itself starts now)")
            .define("max-per-second", ConfigType.INT, DEFAULT_PER_SECOND, false,
                "Most readings put on the bus per second")
            .define("zone", ConfigType.STRING, "Europe/Berlin", false, "Local time of the simulated schools")
            .define("seed", ConfigType.LONG, 42L, false, "Seed of the simulation")
            .check("sites", ConfigCheck.range(1, MAX_SITES))
            .check("rooms", ConfigCheck.range(1, MAX_ROOMS))
            .check("max-per-second", ConfigCheck.range(1, MAX_PER_SECOND))
            .hubAdminOnly("it bounds the readings a second the simulation puts on the hub's bus, whatever rooms, "
                + "interval, speed-up and backfill ask for", List.of("max-per-second"))
            .check("zone", ConfigCheck.timeZone())
            // simulated time against real time: a ten-thousandth (the benchmark's quiet simulator) to a million
            .check("speed-up", ConfigCheck.range(0.0001, 1_000_000))
            .check("interval", ConfigCheck.between(Duration.ofSeconds(1), Duration.ofDays(1)))
            .check("backfill", ConfigCheck.between(Duration.ZERO, Duration.ofDays(366)))
            .build();
    }

    /** Every site needs a room. */
    @Override
    public List<ConfigProblem> validate(Config config) {
        if (config.getInt("rooms") < config.getInt("sites")) {
            return List.of(ConfigProblem.coded("rooms", "must be at least sites (" + config.getInt("sites") + ")",
                "rooms-below-sites", config.getInt("sites")));
        }
        return List.of();
    }

    /** The simulation an integration's config asks for. */
    Simulation simulation(Config config) {
        return new Simulation(config.getInt("sites"), config.getInt("rooms"), config.getDuration("interval"),
            config.getDouble("speed-up"), config.getDuration("backfill"), config.getInt("max-per-second"),
            ZoneId.of(config.getString("zone")), config.getLong("seed"));
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        Simulation sim = simulation(ctx.config());
        BusPublisher bus = new BusPublisher(Ingest.READING);
        de.datenhafen.api.BusPublisher hub = ctx.publisher();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:" + ctx.integrationName() + "?period=1000&delay=500")
                    .routeId(ctx.routeId("tick"))
                    .process(e -> bus.publish(hub, sim.due()));
            }
        };
    }

    /** The simulated rooms and their clocks; ticks run one at a time (a timer route). */
    final class Simulation {
        private final int sites;
        private final int rooms;
        private final long interval;
        private final double speedUp;
        private final int budget;
        private final ZoneId zone;
        private final long seed;
        private final Instant realStart;
        private final Instant firstReadings;
        private Registry.Room[] registered;
        private SchoolDay[] days;
        private long[] next;

        Simulation(int sites, int rooms, Duration interval, double speedUp, Duration backfill, int budget, ZoneId zone,
                   long seed) {
            if (backfill.isNegative()) {
                throw new IllegalArgumentException("the simulator's backfill cannot be negative: " + backfill);
            }
            if (sites < 1 || rooms < sites || interval.isNegative() || interval.isZero() || speedUp <= 0) {
                throw new IllegalArgumentException("the simulator needs sites >= 1, rooms >= sites, a positive "
                    + "interval and speed-up");
            }
            this.sites = sites;
            this.rooms = rooms;
            this.interval = interval.toSeconds();
            this.speedUp = speedUp;
            this.budget = budget;
            this.zone = zone;
            this.seed = seed;
            this.realStart = clock.instant();
            this.firstReadings = realStart.minus(backfill);
        }

        /** The simulated clock: the real one at speed-up 1. */
        Instant now() {
            long realMillis = Duration.between(realStart, clock.instant()).toMillis();
            return realStart.plusMillis((long) (realMillis * speedUp));
        }

        /**
         * The readings due by the simulated clock, at most {@code max-per-second}. A backlog goes round the rooms one
         * reading each per pass, so it is caught up in time order and every room shows data early on.
         */
        List<BusPublisher.Event> due() {
            if (registered == null) {
                setUp();
            }
            long now = now().getEpochSecond();
            List<BusPublisher.Event> events = new ArrayList<>();
            boolean more = true;
            try (Ingest.EventWriter writer = new Ingest.EventWriter()) {
                while (more && events.size() < budget) {
                    more = false;
                    for (int i = 0; i < rooms && events.size() < budget; i++) {
                        if (next[i] <= now) {
                            Instant t = Instant.ofEpochSecond(next[i]);
                            double[] v = days[i].next(t.atZone(zone), interval);
                            events.add(writer.event(new Reading(device(i), t, v[0], v[1], v[2], v[3]),
                                registered[i]));
                            next[i] += interval;
                            more |= next[i] <= now;
                        }
                    }
                }
            }
            return events;
        }

        private String device(int i) {
            return String.format("5A11%012X", i);
        }

        private String kind(int roomInSite) {
            return roomInSite == 0 ? "staff room" : roomInSite == 1 ? "canteen" : "classroom";
        }

        private void setUp() {
            Instant since = firstReadings.minus(Duration.ofDays(1));
            air.registry.change(c -> {
                for (int i = 0; i < rooms; i++) {
                    int s = i % sites;
                    int inSite = i / sites;
                    String siteId = String.format("sim-%02d", s + 1);
                    if (inSite == 0) {
                        // named as the city's own schools and rooms are, in German: the city page shows them as
                        // they are kept, on its German and its English pages alike
                        Registry.upsertSite(c, new Registry.Site(siteId, "Simulierte Schule " + (s + 1),
                            "Schulstraße " + (s + 1) + ", 23552 Lübeck", 53.85 + 0.004 * (s % 10),
                            10.65 + 0.006 * (s / 10)));
                    }
                    String roomId = inSite < 2 ? (inSite == 0 ? "staff" : "canteen")
                        : String.format("r%03d", inSite - 1);
                    String name = inSite < 2 ? (inSite == 0 ? "Lehrerzimmer" : "Mensa") : "Raum " + (inSite - 1);
                    Integer key = Registry.roomKey(c, siteId, roomId);
                    if (key == null) {
                        key = Registry.upsertRoom(c, siteId, roomId, name, kind(inSite));
                    }
                    Registry.Snapshot reg = air.registry.snapshot();
                    if (reg.roomOf(device(i), since).isEmpty() && !reg.installations().containsKey(device(i))) {
                        Registry.install(c, device(i), key, since);
                    }
                }
            });
            Registry.Snapshot reg = air.registry.snapshot();
            // made whole before any is kept: should a device be missing (an admin replaced the registry meanwhile),
            // this throws with nothing set, and the next tick sets the simulation up again instead of failing on a
            // half-made one
            Registry.Room[] registered = new Registry.Room[rooms];
            SchoolDay[] days = new SchoolDay[rooms];
            long[] next = new long[rooms];
            for (int i = 0; i < rooms; i++) {
                int inSite = i / sites;
                String device = device(i);
                registered[i] = reg.roomOf(device, firstReadings).orElseThrow(() ->
                    new IllegalStateException("simulated device " + device + " is not in the registry: it was "
                        + "changed while the simulator set up; trying again at the next tick"));
                days[i] = new SchoolDay(kind(inSite), seed * 31 + i);
                // stagger the devices over the interval, as real ones are; on the same grid at every start, so a
                // restart's backfill repeats the ids of readings already stored and the bus keeps the first copies
                long first = firstReadings.getEpochSecond();
                next[i] = first - Math.floorMod(first, interval) + (i * interval) / rooms;
            }
            this.days = days;
            this.next = next;
            this.registered = registered; // last: due() sets up again while it is null
        }
    }
}
