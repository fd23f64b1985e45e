package de.datenhafen.distribution;

import de.datenhafen.core.bus.KafkaEventLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The crash test's judge for the bus on Kafka ({@code BusCrashIT} with {@code datenhafen.crash.kafka}): reads the
 * bus's topic from offset 0 to its end with a plain consumer (no group, nothing committed) and counts each record's
 * event id into {@link CrashCheck}'s tally, which prints the same verdict lines as on H2 and PostgreSQL.
 *
 * <p>Runs in a JVM of its own with the server's {@code lib/} on the class path, so a record is decoded by the hub's own
 * {@link KafkaEventLog#eventOf} (the chunked storage's codec, one event per record), not by a second implementation.
 * A record it cannot decode is counted ({@code UNREADABLE}), not skipped.
 *
 * <pre>java -cp 'lib/*:test-classes' de.datenhafen.distribution.KafkaCrashCheck BOOTSTRAP_SERVERS TOPIC ACKED_FILE</pre>
 */
public final class KafkaCrashCheck {

    private static final Duration ANSWER = Duration.ofSeconds(60);

    private KafkaCrashCheck() {
    }

    public static void main(String[] args) throws Exception {
        Map<Integer, BitSet> acked = CrashCheck.read(Path.of(args[2]));
        TopicPartition partition = new TopicPartition(args[1], 0);
        CrashCheck.Tally tally = new CrashCheck.Tally();
        long t0 = System.nanoTime();
        long unreadable = 0;
        long begin;
        long end;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties(args[0]),
            new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> only = List.of(partition);
            consumer.assign(only);
            begin = consumer.beginningOffsets(only, ANSWER).get(partition);
            // the high watermark: what the broker acknowledged to acks=all producers
            end = consumer.endOffsets(only, ANSWER).get(partition);
            consumer.seek(partition, 0);
            long quietSince = System.nanoTime();
            while (consumer.position(partition) < end) {
                var records = consumer.poll(Duration.ofMillis(500)).records(partition);
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > ANSWER.toNanos()) {
                    throw new IllegalStateException("Kafka sent nothing for " + ANSWER.toSeconds() + " s at offset "
                        + consumer.position(partition) + " of " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.offset() >= end) {
                        break;
                    }
                    try {
                        tally.count(KafkaEventLog.eventOf(r).event().getId());
                    } catch (RuntimeException e) {
                        unreadable++;
                    }
                }
            }
        }
        System.out.printf("TOPIC %s begin=%d end=%d unreadable=%d%n", partition, begin, end, unreadable);
        CrashCheck.report(acked, tally, (System.nanoTime() - t0) / 1e9);
    }

    private static Properties properties(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "datenhafen-crash-check");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        return p;
    }
}
