package de.datenhafen.plugins.transit.bench;

import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.Position;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.VehicleDescriptor;
import com.google.transit.realtime.GtfsRealtime.VehiclePosition;
import de.datenhafen.plugins.transit.gtfs.GtfsImporter;
import de.datenhafen.plugins.transit.gtfs.GtfsTime;
import de.datenhafen.plugins.transit.realtime.LiveState;
import de.datenhafen.plugins.transit.realtime.RealtimeProcessor;
import de.datenhafen.plugins.transit.timetable.Departures;
import de.datenhafen.plugins.transit.timetable.Timetable;
import de.datenhafen.plugins.transit.timetable.TripLive;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The transit benchmark (run by {@code bench/transit.sh}, not by the build):
 * <ul>
 *   <li>{@code generate FILE STOP_TIMES}: writes a synthetic state-sized feed;</li>
 *   <li>{@code import FILE}: the baseline (inflate every file and count its lines: the floor for any reader), then
 *       the import, then a second import while the first timetable is still held (the swap); time and heap each;</li>
 *   <li>{@code departures FILE SECONDS POLL_SECONDS}: departures p50/p99/max for the busiest stop from as many
 *       threads as cores ({@code -Dthreads=N}),
 *       first with no realtime (the baseline), then while a 500-vehicle feed (trip updates and positions) is parsed
 *       and applied every POLL_SECONDS.</li>
 * </ul>
 */
public final class TransitBench {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final int THREADS = Integer.getInteger("threads", Runtime.getRuntime().availableProcessors());

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "generate" -> {
                long t0 = System.nanoTime();
                SyntheticFeed.write(Path.of(args[1]), Integer.parseInt(args[2]));
                System.out.printf("generated %s: %d stop_times, %.1f MB zip, %.1f s%n", args[1],
                    Integer.parseInt(args[2]), Files.size(Path.of(args[1])) / 1e6, (System.nanoTime() - t0) / 1e9);
            }
            case "import" -> importBench(Path.of(args[1]));
            case "departures" -> departuresBench(Path.of(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]));
            case "http" -> HttpBench.run(java.net.URI.create(args[1]), args[2], Path.of(args[3]),
                Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("generate | import | departures");
        }
    }

    private static void importBench(Path file) throws IOException {
        resetPeaks();
        long t0 = System.nanoTime();
        long lines = 0;
        try (ZipFile z = new ZipFile(file.toFile())) {
            for (ZipEntry e : z.stream().toList()) {
                try (InputStream in = z.getInputStream(e)) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        for (int i = 0; i < n; i++) {
                            if (buf[i] == '\n') {
                                lines++;
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("baseline  inflate + count lines: %,d lines in %.2f s%n", lines,
            (System.nanoTime() - t0) / 1e9);

        for (String agencies : new String[] {"", "swl"}) {
            System.gc();
            resetPeaks();
            t0 = System.nanoTime();
            Timetable tt = new GtfsImporter(agencies.isEmpty() ? List.of() : List.of(agencies), null, false, null)
                .read(file, "bench");
            double s = (System.nanoTime() - t0) / 1e9;
            long peak = peakHeap();
            System.gc();
            long retained = usedHeap();
            System.out.printf("import    %-12s %,d stop times, %,d trips in %.2f s; peak heap %,d MB; timetable "
                    + "retained %,d MB%n", agencies.isEmpty() ? "all agencies" : "agency " + agencies,
                tt.stopTimeCount(), tt.tripIds.length, s, peak >> 20, retained >> 20);
            if (agencies.isEmpty()) {
                resetPeaks();
                t0 = System.nanoTime();
                Timetable next = new GtfsImporter(List.of(), null, false, null).read(file, "bench");
                s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("swap      a second import while the first is in use: %.2f s; peak heap %,d MB "
                    + "(both timetables: %d + %d stop times)%n", s, peakHeap() >> 20, tt.stopTimeCount(),
                    next.stopTimeCount());
            }
        }
    }

    private static void departuresBench(Path file, int seconds, int pollSeconds) throws Exception {
        Timetable tt = new GtfsImporter(List.of(), null, false, null).read(file, "bench");
        int busy = tt.stopIndex.get("busy-station");
        int[] group = tt.stopGroup(busy);
        // a Wednesday at 08:00, simulated: the clock of the benchmark runs from there
        Instant start = LocalDateTime.parse("2026-06-17T08:00").atZone(BERLIN).toInstant();
        long wallStart = System.nanoTime();
        java.util.function.Supplier<Instant> clock = () -> start.plusNanos(System.nanoTime() - wallStart);
        LiveState state = new LiveState();
        RealtimeProcessor processor = new RealtimeProcessor("bench", state, () -> tt);
        System.out.printf("busy stop: %,d stop times at its platforms; %d departures in the next hour%n",
            tt.stopDepFirst[tt.stopIndex.get("busy") + 1] - tt.stopDepFirst[tt.stopIndex.get("busy")],
            Departures.find(tt, TripLive.Lookup.NONE, group, start, 3600, 10_000).size());

        // the cost of one poll on its own, with nothing else running
        for (int i = 0; i < 5; i++) {
            FeedMessage m = fleet(tt, clock.get(), 500, 100 + i);
            byte[] bytes = m.toByteArray();
            long a = System.nanoTime();
            new RealtimeProcessor("solo", new LiveState(), () -> tt).apply(FeedMessage.parseFrom(bytes),
                RealtimeProcessor.Kind.TRIP_UPDATES, false, clock.get());
            System.out.printf("one poll alone: %d entities (%,d bytes) parsed, matched, applied in %.1f ms%n",
                m.getEntityCount(), bytes.length, (System.nanoTime() - a) / 1e6);
        }
        run("baseline  no realtime", tt, group, clock, TripLive.Lookup.NONE, seconds / 3, null);
        AtomicLong applyNanos = new AtomicLong();
        AtomicLong applies = new AtomicLong();
        Runnable poller = () -> {
            FeedMessage msg = fleet(tt, clock.get(), 500, applies.get());
            byte[] bytes = msg.toByteArray();
            long a = System.nanoTime();
            try {
                processor.apply(FeedMessage.parseFrom(bytes), RealtimeProcessor.Kind.TRIP_UPDATES, false, clock.get());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
            applyNanos.addAndGet(System.nanoTime() - a);
            applies.incrementAndGet();
        };
        run("realtime  500 vehicles every " + pollSeconds + " s", tt, group, clock, state, seconds,
            new Object[] {poller, pollSeconds});
        System.out.printf("realtime  %d polls, parse + match + apply %.1f ms each; %d trips live, %d vehicles%n",
            applies.get(), applyNanos.get() / 1e6 / Math.max(1, applies.get()), state.trips().size(),
            state.vehicles().size());
    }

    private static void run(String label, Timetable tt, int[] group, java.util.function.Supplier<Instant> clock,
                            TripLive.Lookup live, int seconds, Object[] poll) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        int[] counts = new int[THREADS];
        for (int t = 0; t < THREADS; t++) {
            long[] lat = new long[5_000_000];
            perThread.add(lat);
            int me = t;
            Thread th = new Thread(() -> {
                int n = 0;
                while (!stop.get() && n < lat.length) {
                    long a = System.nanoTime();
                    List<Departures.Departure> d = Departures.find(tt, live, group, clock.get(), 7200, 20);
                    lat[n++] = System.nanoTime() - a;
                    if (d.isEmpty()) {
                        throw new IllegalStateException("no departures");
                    }
                }
                counts[me] = n;
            }, "query-" + t);
            threads.add(th);
        }
        Thread poller = null;
        if (poll != null) {
            Runnable r = (Runnable) poll[0];
            int every = (Integer) poll[1];
            r.run(); // the first poll before measuring, as a running hub would have it
            poller = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Thread.sleep(every * 1000L);
                    } catch (InterruptedException e) {
                        return;
                    }
                    r.run();
                }
            }, "poller");
            poller.start();
        }
        // warm-up
        for (int i = 0; i < 2000; i++) {
            Departures.find(tt, live, group, clock.get(), 7200, 20);
        }
        threads.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }
        if (poller != null) {
            poller.interrupt();
            poller.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int k = 0;
        for (int t = 0; t < THREADS; t++) {
            System.arraycopy(perThread.get(t), 0, all, k, counts[t]);
            k += counts[t];
        }
        Arrays.sort(all);
        System.out.printf("%-40s %,d queries (next 20 of 2 h, " + THREADS + " threads): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, "
                + "max %.1f ms%n", label, total, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6,
            all[(int) (total * 0.999)] / 1e6, all[total - 1] / 1e6);
    }

    /** A 500-vehicle fleet: the trips under way at {@code now}, each with a delay at its next stop and a position. */
    static FeedMessage fleet(Timetable tt, Instant now, int vehicles, long round) {
        FeedMessage.Builder msg = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder()
            .setGtfsRealtimeVersion("2.0").setTimestamp(now.getEpochSecond()));
        LocalDate day = now.atZone(BERLIN).toLocalDate();
        int epochDay = (int) day.toEpochDay();
        long base = GtfsTime.serviceDayStart(day, BERLIN);
        long t = now.getEpochSecond() - base;
        SplittableRandom rnd = new SplittableRandom(round);
        int found = 0;
        for (int trip = 0; trip < tt.tripIds.length && found < vehicles; trip++) {
            int first = tt.tripFirstStopTime[trip];
            int last = tt.tripFirstStopTime[trip + 1] - 1;
            if (tt.stDeparture[first] > t || tt.stArrival[last] < t
                || !tt.calendar.active(tt.tripService[trip], epochDay)) {
                continue;
            }
            found++;
            int next = first;
            while (next < last && tt.stDeparture[next] < t) {
                next++;
            }
            TripDescriptor d = TripDescriptor.newBuilder().setTripId(tt.tripIds[trip])
                .setStartDate(GtfsTime.formatDate(epochDay)).build();
            msg.addEntity(FeedEntity.newBuilder().setId("tu" + trip).setTripUpdate(TripUpdate.newBuilder().setTrip(d)
                .addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder().setStopSequence(tt.stSequence[next])
                    .setArrival(TripUpdate.StopTimeEvent.newBuilder().setDelay(rnd.nextInt(-60, 600))))));
            int s = tt.stStop[next];
            msg.addEntity(FeedEntity.newBuilder().setId("vp" + trip).setVehicle(VehiclePosition.newBuilder().setTrip(d)
                .setVehicle(VehicleDescriptor.newBuilder().setId("bus-" + found))
                .setPosition(Position.newBuilder().setLatitude((float) tt.stopLat[s] + rnd.nextFloat() / 1000)
                    .setLongitude((float) tt.stopLon[s]))));
        }
        return msg.build();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks: an upper bound of the heap in use at any one moment. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
