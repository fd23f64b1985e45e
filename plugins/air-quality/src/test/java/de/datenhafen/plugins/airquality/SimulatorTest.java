package de.datenhafen.plugins.airquality;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigProblem;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The simulator's clock, as the demo runs it ({@code conf/demo/air-quality-simulator.json}: speed-up 1, backfill 2 h,
 * readings every 5 minutes), on the plugin's real schema (H2 in memory) and a clock the test moves: the demo shows
 * readings of now at any hour, not two hours behind.
 */
class SimulatorTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final int ROOMS = 140;

    private Instant now;
    private AirQuality air;

    private SimulatorConnector.Simulation demo(Instant start, int budget) throws Exception {
        now = start;
        air = new AirQuality(ProjectionsTest.database());
        SimulatorConnector connector = new SimulatorConnector(air, () -> now);
        return connector.new Simulation(70, ROOMS, Duration.ofMinutes(5), 1.0, Duration.ofHours(2), budget, BERLIN, 42);
    }

    private static Instant berlin(String localTime) {
        // a Thursday in December: a school day, dark at both hours
        return LocalDateTime.parse("2026-12-03T" + localTime).atZone(BERLIN).toInstant();
    }

    @ParameterizedTest(name = "at {0} in Berlin")
    @ValueSource(strings = {"03:00", "08:00"})
    void theNewestReadingsAreStampedWithinTheLastIntervalAndTheBackfillCoversTwoHours(String localTime)
        throws Exception {
        Instant start = berlin(localTime);
        SimulatorConnector.Simulation sim = demo(start, 100_000);

        List<BusPublisher.Event> backfill = sim.due();

        Map<String, List<BusPublisher.Event>> byRoom = backfill.stream()
            .collect(Collectors.groupingBy(BusPublisher.Event::subject));
        assertThat(byRoom).hasSize(ROOMS);
        assertThat(byRoom.values()).allSatisfy(readings -> {
            Instant newest = readings.stream().map(BusPublisher.Event::time).max(Comparator.naturalOrder()).orElseThrow();
            Instant oldest = readings.stream().map(BusPublisher.Event::time).min(Comparator.naturalOrder()).orElseThrow();
            assertThat(newest).isAfter(start.minus(Duration.ofMinutes(5))).isBeforeOrEqualTo(start);
            assertThat(oldest).isAfterOrEqualTo(start.minus(Duration.ofHours(2)))
                .isBefore(start.minus(Duration.ofMinutes(115)));
            assertThat(readings).hasSizeBetween(24, 25); // 01:00 to 03:00 is 25 readings for the room stamped on the hour
            assertThat(readings).extracting(e -> e.time().getEpochSecond() % 300).containsOnly(
                readings.get(0).time().getEpochSecond() % 300);
        });

        now = start.plus(Duration.ofMinutes(5));
        List<BusPublisher.Event> live = sim.due();

        assertThat(live).hasSize(ROOMS);
        assertThat(live).allSatisfy(e -> assertThat(e.time()).isAfter(start).isBeforeOrEqualTo(now));
    }

    /**
     * The registry can change under the simulator (an admin's import): a simulated device installed only after the
     * backfill's start cannot be simulated. Each tick then says so, and once the registry is right again the next tick
     * runs, rather than every tick failing on a half-made simulation from then on.
     */
    @Test
    void aSetUpThatFailsOnTheRegistryIsTriedAgainWholeAtTheNextTick() throws Exception {
        Instant start = berlin("08:00");
        SimulatorConnector.Simulation sim = demo(start, 100_000);
        String device = "5A110000000000%02X".formatted(10);
        air.registry.change(c -> {
            Registry.upsertSite(c, new Registry.Site("elsewhere", "Elsewhere", "Weg 1, 23552 Luebeck", 53.8, 10.6));
            Registry.install(c, device, Registry.upsertRoom(c, "elsewhere", "r1", "Room 1", "classroom"), start);
        });

        for (int tick = 0; tick < 2; tick++) {
            org.assertj.core.api.Assertions.assertThatThrownBy(sim::due).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("simulated device " + device + " is not in the registry");
        }
        air.registry.change(c -> {
            try (var st = c.prepareStatement("DELETE FROM installation WHERE dev_eui = ?")) {
                st.setString(1, device);
                st.executeUpdate();
            }
        });

        assertThat(sim.due().stream().map(BusPublisher.Event::subject).distinct()).hasSize(ROOMS);
    }

    @Test
    void aBacklogLargerThanOneSecondsBudgetIsCaughtUpInTimeOrderAcrossTheRooms() throws Exception {
        Instant start = berlin("03:00");
        SimulatorConnector.Simulation sim = demo(start, ROOMS);

        List<BusPublisher.Event> first = sim.due();

        // one reading per room, all from the backfill's first interval, rather than one room's whole two hours
        assertThat(first).hasSize(ROOMS);
        assertThat(first.stream().map(BusPublisher.Event::subject).distinct()).hasSize(ROOMS);
        assertThat(first).allSatisfy(e -> assertThat(e.time()).isBefore(start.minus(Duration.ofMinutes(115))));
        int total = first.size();
        for (int tick = 0; tick < 30; tick++) {
            total += sim.due().size();
        }
        assertThat(total).isEqualTo(24 * ROOMS + 1); // the room stamped on the hour has 25
        assertThat(sim.due()).isEmpty();
    }

    @Test
    void aRestartRepeatsTheIdsOfReadingsAlreadyStoredSoTheBusKeepsTheFirstCopies() throws Exception {
        Instant start = berlin("08:00");
        Instant restart = start.plus(Duration.ofMinutes(7));
        List<BusPublisher.Event> before = demo(start, 100_000).due();

        List<String> after = demo(restart, 100_000).due().stream().map(BusPublisher.Event::id).toList();

        // the backfill after the restart starts at 06:07; every reading of before from then on has the same id
        List<String> overlap = before.stream().filter(e -> !e.time().isBefore(restart.minus(Duration.ofHours(2))))
            .map(BusPublisher.Event::id).toList();
        assertThat(overlap).hasSizeGreaterThan(20 * ROOMS);
        assertThat(after).containsAll(overlap);
    }

    /**
     * What a member's admin can choose (the largest size, a reading every second, a million times real time, a year's
     * backfill) puts 100 readings a second on the bus, 8.6 million a day, unless a hub-admin sets another rate: the
     * default used to be 5,000 a second, 432 million a day from one member's simulation.
     */
    @Test
    void aMemberAdminsLargestSimulationPutsAHundredReadingsASecondOnTheBus() throws Exception {
        now = berlin("08:00");
        air = new AirQuality(ProjectionsTest.database());
        SimulatorConnector connector = new SimulatorConnector(air, () -> now);
        Map<String, Object> largest = Map.of("sites", SimulatorConnector.MAX_SITES,
            "rooms", SimulatorConnector.MAX_ROOMS, "interval", "1s", "speed-up", 1e6, "backfill", "366d");
        assertThat(connector.config().validate(largest)).isEmpty();
        SimulatorConnector.Simulation sim = connector.simulation(connector.config().parse(largest));

        for (int tick = 0; tick < 3; tick++) {
            now = now.plusSeconds(1);
            assertThat(sim.due()).hasSize(100);
        }
    }

    /**
     * A member's admin set the simulation's size without a limit: a billion rooms would fill the heap and the database
     * before the first reading. Now each has an upper bound that leaves the demo (70 sites, 2,500 rooms, 3,000
     * readings a second) and a load test (10,000 rooms, 10,000 a second) their room, and the rate is a hub-admin's.
     */
    @Test
    void theSizeAndTheRateHaveUpperBoundsThatLeaveTheDemoAndTheLoadTestsTheirRoom() {
        ConfigDef def = new SimulatorConnector(null).config();

        assertThat(def.validate(Map.of("sites", 70, "rooms", 2500, "max-per-second", 3000))).isEmpty();
        assertThat(def.validate(Map.of("sites", 50, "rooms", 2500))).isEmpty();
        assertThat(def.validate(Map.of("sites", 1000, "rooms", 10_000, "max-per-second", 10_000))).isEmpty();
        assertThat(def.validate(Map.of("sites", 1001, "rooms", 1_000_000_000, "max-per-second", 10_001)))
            .containsExactly(new ConfigProblem("sites", "must be a number from 1 to 1000; was 1001"),
                new ConfigProblem("rooms", "must be a number from 1 to 10000; was 1000000000"),
                new ConfigProblem("max-per-second", "must be a number from 1 to 10000; was 10001"));
        assertThat(def.validate(Map.of("max-per-second", 0))).containsExactly(
            new ConfigProblem("max-per-second", "must be a number from 1 to 10000; was 0"));
        assertThat(def.hubAdminOnly("max-per-second")).isEqualTo("it bounds the readings a second the simulation "
            + "puts on the hub's bus, whatever rooms, interval, speed-up and backfill ask for");
        assertThat(def.hubAdminOnly("rooms")).isNull();
        assertThat(def.hubAdminOnly("sites")).isNull();
    }
}
