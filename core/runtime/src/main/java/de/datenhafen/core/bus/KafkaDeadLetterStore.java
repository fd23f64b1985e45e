package de.datenhafen.core.bus;

import de.datenhafen.api.RetryableException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters in a compacted Kafka topic {@code <prefix>dead-letters} ({@code bus.kind=kafka}), one partition; each
 * node keeps the topic materialised in memory (read to its end at start, then followed) and answers the admin API's
 * list, page, filter and count from there.
 *
 * <ul>
 * <li><b>Records</b>: the key is a random id of the dead letter (a UUID), the value its content as JSON (subscription,
 * event sequence, error, attempts, times); a discard or a successful replay writes a tombstone, so compaction drops
 * it. The dead letter's number in the API ({@code id}) is its first record's offset + 1, which grows, so pages by id
 * work as on the database; a later record of the same dead letter (a failed replay) carries that number in its value.
 * The key cannot be that number, since it is known only once Kafka has stored the first record.</li>
 * <li><b>Read your writes</b>: a change returns once this node's follower has read it back, so a list right after a
 * discard shows it gone; other nodes see it within their follower's next fetch (about 100 ms).</li>
 * <li><b>Bounded</b>: what is held is exactly the dead letters not yet discarded or replayed, each with an error of at
 * most {@value DeadLetterStore#MAX_ERROR} characters. At {@value #MAX_HELD} held, a further dead letter is refused
 * (as retryable): the subscription that wants to add it stalls, retrying, with a line in the log, until an admin
 * discards or replays some. Nothing is dropped silently, and a node's memory stays bounded.</li>
 * </ul>
 */
public final class KafkaDeadLetterStore implements DeadLetterStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetterStore.class);
    static final int MAX_HELD = 100_000;
    private static final Duration ANSWER = Duration.ofSeconds(10);

    /** A held dead letter and the key of its records. */
    private record Held(String key, DeadLetter letter) {
    }

    private final Clock clock;
    private final TopicPartition partition;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> follower;
    private final NavigableMap<Long, Held> byId = new ConcurrentSkipListMap<>();
    private final Map<String, Long> idByKey = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private final Thread thread;
    private long read; // the next offset the follower reads; guarded by progress
    private volatile boolean running = true;

    /**
     * Makes the topic if it is missing, reads it to its end and starts following it.
     *
     * @throws IllegalStateException when Kafka cannot be reached
     */
    public KafkaDeadLetterStore(KafkaEventLog.Broker broker, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.partition = new TopicPartition(topic(broker), 0);
        ensureTopic(broker, partition.topic());
        this.producer = new KafkaProducer<>(KafkaEventLog.producerProperties(broker), new ByteArraySerializer(),
            new ByteArraySerializer());
        Properties p = KafkaEventLog.clientProperties(broker, "dead-letters");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.follower = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            follower.assign(List.of(partition));
            follower.seekToBeginning(List.of(partition));
            long end = follower.endOffsets(List.of(partition), ANSWER).get(partition);
            while (follower.position(partition, ANSWER) < end) {
                follower.poll(Duration.ofMillis(200)).forEach(this::apply);
            }
            synchronized (progress) {
                read = follower.position(partition, ANSWER);
            }
        } catch (RuntimeException e) {
            follower.close();
            producer.close(Duration.ZERO);
            throw new IllegalStateException("cannot read the dead letters from " + partition.topic() + ": "
                + e.getMessage(), e);
        }
        LOG.info("Dead letters: {} held from the Kafka topic {}", byId.size(), partition.topic());
        this.thread = new Thread(this::follow, "dead-letters-follower");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The dead letters' topic. */
    public static String topic(KafkaEventLog.Broker broker) {
        return broker.topicPrefix() + "dead-letters";
    }

    private static void ensureTopic(KafkaEventLog.Broker broker, String topic) {
        try (Admin admin = Admin.create(KafkaEventLog.clientProperties(broker, "admin"))) {
            NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of("cleanup.policy", "compact"));
            try {
                admin.createTopics(List.of(t)).all().get(ANSWER.toSeconds(), TimeUnit.SECONDS);
                LOG.info("Made the Kafka topic {} (compacted, one partition) for the dead letters", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot make the Kafka topic " + topic + ": " + e.getCause(),
                        e.getCause());
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + ANSWER.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the Kafka topic " + topic, e);
        }
    }

    // ---- the view

    private void follow() {
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> r : follower.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                long at = follower.position(partition, ANSWER);
                synchronized (progress) {
                    read = at;
                    progress.notifyAll();
                }
            } catch (WakeupException e) {
                // close() ends the loop
            } catch (KafkaException e) {
                LOG.warn("Dead letters: reading {} failed ({}); trying again in 1 s", partition.topic(), e.toString());
                SubscriptionWorker.sleepQuietly(1000); // a back-off, not a wait for a condition
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            Long id = idByKey.remove(key);
            if (id != null) {
                byId.remove(id);
            }
            return;
        }
        try {
            JsonObject v = new JsonObject(new String(r.value(), StandardCharsets.UTF_8));
            long id = v.getLong("id", r.offset() + 1);
            DeadLetter d = new DeadLetter(id, v.getString("subscription"), v.getLong("eventSeq"),
                v.getString("error"), v.getInteger("attempts"), Instant.parse(v.getString("firstFailed")),
                Instant.parse(v.getString("lastFailed")));
            byId.put(id, new Held(key, d));
            idByKey.put(key, id);
        } catch (RuntimeException e) {
            LOG.warn("Dead letters: record at offset {} of {} is not a dead letter, skipped: {}", r.offset(),
                partition.topic(), e.toString());
        }
    }

    private static byte[] value(DeadLetter d, boolean withId) {
        JsonObject v = new JsonObject();
        if (withId) {
            v.put("id", d.id());
        }
        v.put("subscription", d.subscription()).put("eventSeq", d.eventSeq()).put("error", d.error())
            .put("attempts", d.attempts()).put("firstFailed", d.firstFailed().toString())
            .put("lastFailed", d.lastFailed().toString());
        return v.encode().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes records and waits until this node's view has read them back; returns the last one's offset. */
    private long write(List<ProducerRecord<byte[], byte[]>> records) {
        long last = -1;
        try {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            for (Future<RecordMetadata> f : sent) {
                last = Math.max(last, f.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS).offset());
            }
            long deadline = System.nanoTime() + ANSWER.toNanos();
            synchronized (progress) {
                while (read <= last) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new TimeoutException("not read back");
                    }
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                }
            }
            return last;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new RetryableException("Kafka did not take the change of dead letters in time; try again",
                Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted", Duration.ofSeconds(1));
        }
    }

    private ProducerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(partition.topic(), 0, key.getBytes(StandardCharsets.UTF_8), value);
    }

    // ---- DeadLetterStore

    @Override
    public DeadLetter add(String subscription, long eventSeq, String error, int attempts, Instant firstFailed) {
        Objects.requireNonNull(subscription, "subscription");
        if (byId.size() >= MAX_HELD) {
            throw new RetryableException("the hub holds " + MAX_HELD + " dead letters, its most; discard or replay "
                + "some (subscription " + subscription + " waits until then)", Duration.ofSeconds(10));
        }
        Instant now = clock.instant();
        return add(new DeadLetter(0, subscription, eventSeq, DeadLetterStore.cut(error), attempts,
            firstFailed == null ? now : firstFailed, now));
    }

    private DeadLetter add(DeadLetter d) {
        long offset = write(List.of(record(UUID.randomUUID().toString(), value(d, false))));
        return get(offset + 1).orElse(new DeadLetter(offset + 1, d.subscription(), d.eventSeq(), d.error(),
            d.attempts(), d.firstFailed(), d.lastFailed()));
    }

    /**
     * Moves the dead letters another store holds (the database's, kept before the bus moved to Kafka) into this one,
     * oldest first, so an upgraded hub still shows them. Each is written here before it is deleted there: a crash in
     * between leaves it in both (shown twice, never lost); when another node moved the same one first (its delete
     * there found nothing), this node's copy is deleted again. Stops at this store's bound; the rest stay where they
     * are for the next start.
     *
     * @return how many were moved
     */
    public int takeOver(DeadLetterStore from) {
        int moved = 0;
        for (long id : from.ids(DeadLetterFilter.ALL)) {
            Optional<DeadLetter> old = from.get(id);
            if (old.isEmpty()) {
                continue;
            }
            DeadLetter d = old.get();
            if (byId.size() >= MAX_HELD) {
                LOG.warn("Dead letters: {} left in the database, this topic holds its most ({}); they are moved at a "
                    + "later start once some are discarded or replayed", from.count(DeadLetterFilter.ALL), MAX_HELD);
                break;
            }
            DeadLetter copy = add(d); // as it was, the time of its last failure too
            if (from.delete(id)) {
                moved++;
            } else {
                delete(copy.id());
            }
        }
        if (moved > 0) {
            LOG.info("Dead letters: {} moved from the database to the Kafka topic {}", moved, partition.topic());
        }
        return moved;
    }

    @Override
    public Optional<DeadLetter> get(long id) {
        Held h = byId.get(id);
        return h == null ? Optional.empty() : Optional.of(h.letter());
    }

    @Override
    public List<DeadLetter> list(DeadLetterFilter filter, long afterId, int limit) {
        DeadLetterStore.checkLimit(limit);
        Predicate<DeadLetter> matches = matcher(filter);
        List<DeadLetter> out = new ArrayList<>();
        for (Held h : byId.tailMap(afterId, false).values()) {
            if (matches.test(h.letter())) {
                out.add(h.letter());
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public long count(DeadLetterFilter filter) {
        Predicate<DeadLetter> matches = matcher(filter);
        return byId.values().stream().filter(h -> matches.test(h.letter())).count();
    }

    @Override
    public Optional<DeadLetter> recordFailure(long id, String error) {
        Held h = byId.get(id);
        if (h == null) {
            return Optional.empty();
        }
        DeadLetter d = h.letter();
        DeadLetter now = new DeadLetter(id, d.subscription(), d.eventSeq(), DeadLetterStore.cut(error),
            d.attempts() + 1, d.firstFailed(), clock.instant());
        write(List.of(record(h.key(), value(now, true))));
        return get(id);
    }

    @Override
    public List<Long> ids(DeadLetterFilter filter) {
        Predicate<DeadLetter> matches = matcher(filter);
        return byId.values().stream().map(Held::letter).filter(matches).map(DeadLetter::id).toList();
    }

    @Override
    public boolean delete(long id) {
        Held h = byId.get(id);
        if (h == null) {
            return false;
        }
        write(List.of(record(h.key(), null)));
        return true;
    }

    @Override
    public int deleteMatching(DeadLetterFilter filter) {
        Predicate<DeadLetter> matches = matcher(filter);
        List<ProducerRecord<byte[], byte[]>> tombstones = byId.values().stream()
            .filter(h -> matches.test(h.letter())).map(h -> record(h.key(), null)).toList();
        if (!tombstones.isEmpty()) {
            write(tombstones);
        }
        return tombstones.size();
    }

    /** The filter as the database applies it: last failure in [after, before), error containing the text. */
    private static Predicate<DeadLetter> matcher(DeadLetterFilter f) {
        Objects.requireNonNull(f, "filter");
        return d -> (f.subscription() == null || f.subscription().equals(d.subscription()))
            && (f.failedAfter() == null || !d.lastFailed().isBefore(f.failedAfter()))
            && (f.failedBefore() == null || d.lastFailed().isBefore(f.failedBefore()))
            && (f.errorContains() == null || d.error().contains(f.errorContains()));
    }

    @Override
    public void close() {
        running = false;
        follower.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        follower.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        producer.close(Duration.ofSeconds(5));
    }
}
