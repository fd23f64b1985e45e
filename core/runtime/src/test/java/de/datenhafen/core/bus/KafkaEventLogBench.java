package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.testkit.Kafka;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Appends per second of one {@link KafkaEventLog} on the test JVM's broker ({@link Kafka#shared()}): batches of 100
 * readings, {@value #OUTSTANDING} requests outstanding at a time (as concurrent HTTP clients would), a fresh topic,
 * a warm-up and then {@code bench.rounds} rounds of {@code bench.seconds} s. Prints events/s, the JVM's CPU per
 * event (hub and broker: both are in this JVM) and the {@code bus-head} follower thread's CPU per event. Runs only
 * with {@code -Dbench=true} (bench/kafka-log-bench.sh); it asserts nothing about time.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class KafkaEventLogBench {

    private static final int OUTSTANDING = 8;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 15);

    @Test
    void appendsBatchesOfOneHundred() throws Exception {
        KafkaEventLog.Broker broker = new KafkaEventLog.Broker(Kafka.shared().bootstrapServers(),
            "bench-" + System.nanoTime() + ".");
        try (KafkaEventLog log = KafkaEventLog.start(broker, H2EventLog.Settings.DEFAULTS)) {
            AtomicLong ids = new AtomicLong();
            run(log, ids, 10); // warm-up: until the JIT has settled
            StringBuilder report = new StringBuilder("round  events/s  JVM CPU us/event  bus-head CPU us/event\n");
            double sum = 0;
            for (int r = 1; r <= ROUNDS; r++) {
                long[] m = run(log, ids, SECONDS);
                double perSecond = m[0] / (m[1] / 1e9);
                sum += perSecond;
                report.append(String.format("%5d  %8.0f  %16.2f  %21.3f%n", r, perSecond, m[2] / 1e3 / m[0],
                    m[3] / 1e3 / m[0]));
            }
            report.append(String.format("mean   %8.0f%n", sum / ROUNDS));
            System.out.println(report);
            assertThat(log.lastSequence()).isEqualTo(ids.get());
        }
    }

    /** Appends for {@code seconds}; returns events, wall ns, JVM CPU ns, bus-head CPU ns. */
    private static long[] run(KafkaEventLog log, AtomicLong ids, int seconds) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long head = headThread();
        Semaphore slots = new Semaphore(OUTSTANDING);
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long cpu0 = os.getProcessCpuTime();
        long head0 = head < 0 ? 0 : threads.getThreadCpuTime(head);
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end && failed.get() == null) {
            slots.acquire();
            List<NewEvent> batch = new ArrayList<>(100);
            for (int i = 0; i < 100; i++) {
                batch.add(BusFixtures.reading("bench-" + ids.incrementAndGet()));
            }
            log.append(batch).whenComplete((r, e) -> {
                if (e != null) {
                    failed.set(e);
                } else {
                    done.addAndGet(r.size());
                }
                slots.release();
            });
        }
        slots.acquire(OUTSTANDING); // every answer in
        long wall = System.nanoTime() - t0;
        if (failed.get() != null) {
            throw new AssertionError("an append failed", failed.get());
        }
        long headCpu = head < 0 ? 0 : threads.getThreadCpuTime(head) - head0;
        return new long[] {done.get(), wall, os.getProcessCpuTime() - cpu0, headCpu};
    }

    private static long headThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("bus-head")) {
                return t.getId();
            }
        }
        return -1;
    }
}
