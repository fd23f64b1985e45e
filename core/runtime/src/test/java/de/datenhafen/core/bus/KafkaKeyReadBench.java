package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the Kafka log's follower pays per record to learn its (source, id), three ways, alternating rounds in one JVM,
 * in thread CPU time: decoding the whole event ({@link KafkaEventLog#eventOf}), reading only the key from the value
 * ({@link ChunkCodec#firstKey}), and reading two headers {@code ce_source}/{@code ce_id} (which records do not carry:
 * measured here on records made in memory, so the consumer's parsing of two more headers per record is not counted).
 * Runs only with {@code -Dbench=true} (bench/kafka-log-bench.sh); it asserts nothing about time.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class KafkaKeyReadBench {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final int RECORDS = 10_000;
    private static final int PASSES = 100;

    @Test
    void readsTheKeyOfEachRecord() {
        List<ConsumerRecord<byte[], byte[]>> records = records();
        List<ToLongFunction<ConsumerRecord<byte[], byte[]>>> ways = List.of(
            r -> {
                var e = KafkaEventLog.eventOf(r).event();
                return EventRows.keyHash(e.getSource().toString(), e.getId());
            },
            r -> {
                GroupCommitLog.Key k = ChunkCodec.firstKey(r.value());
                return EventRows.keyHash(k.source(), k.id());
            },
            r -> EventRows.keyHash(new String(r.headers().lastHeader("ce_source").value(), StandardCharsets.UTF_8),
                new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8)));
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (var way : ways) {
            run(way, records); // warm-up
        }
        double[] sums = new double[ways.size()];
        StringBuilder report = new StringBuilder("round  whole event ns/record  key from value  key from headers\n");
        for (int round = 1; round <= ROUNDS; round++) {
            report.append(String.format("%5d", round));
            for (int w = 0; w < ways.size(); w++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                run(ways.get(w), records);
                double ns = (cpu.getCurrentThreadCpuTime() - t0) / (double) (RECORDS * PASSES);
                sums[w] += ns;
                report.append(String.format("  %14.1f", ns));
            }
            report.append('\n');
        }
        report.append(String.format("mean   %14.1f  %14.1f  %14.1f%n", sums[0] / ROUNDS, sums[1] / ROUNDS,
            sums[2] / ROUNDS));
        System.out.println(report);
    }

    private static void run(ToLongFunction<ConsumerRecord<byte[], byte[]>> way,
                            List<ConsumerRecord<byte[], byte[]>> records) {
        long x = 0;
        for (int p = 0; p < PASSES; p++) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                x ^= way.applyAsLong(r);
            }
        }
        assertThat(x).isNotEqualTo(42);
    }

    /** Records as the log writes them (one reading each), plus the two headers the third way reads. */
    private static List<ConsumerRecord<byte[], byte[]>> records() {
        OffsetDateTime at = OffsetDateTime.ofInstant(Instant.parse("2026-12-03T11:00:00Z"), ZoneOffset.UTC);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            NewEvent e = BusFixtures.reading("0.1." + i + "-" + i);
            byte[] value = ChunkCodec.encode(1, at, List.of(new StoredEvent(1, e.member(), e.event())), false).stored();
            ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("bench.events", 0, i,
                e.event().getSubject().getBytes(StandardCharsets.UTF_8), value);
            r.headers().add("ce_type", e.event().getType().getBytes(StandardCharsets.UTF_8));
            r.headers().add("ce_source", e.event().getSource().toString().getBytes(StandardCharsets.UTF_8));
            r.headers().add("ce_id", e.event().getId().getBytes(StandardCharsets.UTF_8));
            out.add(r);
        }
        return out;
    }
}
