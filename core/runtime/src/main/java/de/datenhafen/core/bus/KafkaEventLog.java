package de.datenhafen.core.bus;

import de.datenhafen.api.HubException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RetryableException;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus's log on a Kafka topic ({@code bus.kind=kafka}): {@code <prefix>events}, one partition, each event one
 * record keyed by its subject.
 *
 * <ul>
 * <li><b>Sequence = offset + 1.</b> The topic has exactly one partition (made so at the first start; a topic with more
 * is refused), so Kafka's offsets are one global order, gap-free under an idempotent producer without transactions,
 * and the HTTP API's sequences, {@code after=} paging and subscription cursors keep their meaning. Several partitions
 * would give each its own offsets: a global sequence would then need a (partition, offset) cursor vector in every
 * cursor and page token, or a sequencer in front of Kafka; neither is built. One partition bounds the bus to what
 * one broker's partition takes (far beyond one hub's ingest, see docs/operations.md).</li>
 * <li><b>Acknowledged means stored</b>: the producer is idempotent with {@code acks=all}; {@link #append} completes
 * only when Kafka acknowledged every record of the batch (so it is on all in-sync replicas). A batch is not one Kafka
 * transaction: if Kafka fails part of it, the append fails while the records Kafka did take stay; they join the
 * window of recent keys, so the client's retry reports them as duplicates and stores the rest (all or none as seen
 * through a retry, not inside the broker). A send that fails without Kafka's answer may have been written all the
 * same: see uncertain keys below.</li>
 * <li><b>Duplicates</b> (same source and id) are found as on the database storages, in a {@link DedupWindow} of recent
 * keys (one hour, 500,000 keys by default) checked before producing, plus the keys still in flight. Kafka has no
 * unique index, so the window learns every key on the topic: rebuilt at start from the topic's tail, then fed by the
 * follower, which reads every record written since, by any node (this node's own too: their acknowledgements add the
 * same keys, counted once). Keys of sends that failed without Kafka's answer are <em>uncertain</em> until the
 * follower has read the topic up to its end as seen after the failure; meanwhile a request holding one is refused as
 * retryable, nothing of it sent, so that its retry finds the record if Kafka had kept it. Left open: the same event
 * sent to two nodes within the follower's lag (about one fetch), a retry sent to another node before its follower
 * read the first copy, and a write the broker made only after the follower had read the end.</li>
 * <li><b>Records</b>: the value is the event in the chunked storage's encoding ({@link ChunkCodec}, one event, not
 * deflated; the producer compresses batches with lz4), the record's timestamp is the time of storing (for
 * {@link #firstStoredAtOrAfter}, Kafka's time index), the key the subject, a header {@code ce_type} the type, so
 * reads by type skip records without decoding them. The follower reads a record's source and id from the value
 * without decoding the event ({@link ChunkCodec#firstKey}), cheaper than two more headers would be (measured in
 * docs/operations.md), so the format stays as earlier versions wrote it. This is the hub's own format, not
 * CloudEvents' Kafka binding: other consumers read through the hub's HTTP API or a subscription.</li>
 * <li><b>Committed means below the high watermark</b>: {@link #lastSequence} is the highest acknowledged offset + 1
 * on this node, raised by the follower ({@code bus-head}) to what it has read of the topic (never past the high
 * watermark) when other nodes produced and this node has no append in flight; reads stop there.</li>
 * </ul>
 *
 * <p>Threads: {@code bus-kafka-writer} takes appends from a bounded queue (dedup, produce); Kafka's producer thread
 * completes them (so dependent stages must be quick or async, as with {@link GroupCommitLog}); {@code bus-head}
 * follows the topic; reads borrow one of a few consumers.
 */
public final class KafkaEventLog implements EventLog {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventLog.class);
    static final long HEAD_POLL_MS = 100;
    static final String TYPE_HEADER = "ce_type";
    private static final int READERS = 4;
    private static final Duration ANSWER = Duration.ofSeconds(30);

    /**
     * Where the log lives.
     *
     * @param bootstrapServers Kafka's {@code bootstrap.servers}
     * @param topicPrefix put before the topic names ({@code events}); lets several hubs share one cluster
     * @param clientProperties further client settings (security, timeouts), passed to the producer, consumers and
     *     admin client as they are
     */
    public record Broker(String bootstrapServers, String topicPrefix, Map<String, String> clientProperties) {

        public Broker {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must name at least one host:port");
            }
            Objects.requireNonNull(topicPrefix, "topicPrefix");
            clientProperties = Map.copyOf(clientProperties == null ? Map.of() : clientProperties);
        }

        public Broker(String bootstrapServers, String topicPrefix) {
            this(bootstrapServers, topicPrefix, Map.of());
        }

        /** The topic of the bus's events. */
        public String eventsTopic() {
            return topicPrefix + "events";
        }

        @Override
        public String toString() {
            return "Kafka{" + bootstrapServers + ", topic " + eventsTopic() + "}";
        }
    }

    private record Request(List<NewEvent> events, long bytes, CompletableFuture<List<AppendResult>> future) {
    }

    private static final Request CLOSE = new Request(List.of(), 0, null);

    private final Broker broker;
    private final H2EventLog.Settings settings;
    private final TopicPartition partition;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> lookup; // start, then the writer thread only
    private final LinkedBlockingDeque<KafkaConsumer<byte[], byte[]>> readers = new LinkedBlockingDeque<>();
    private final AtomicInteger readersMade = new AtomicInteger();
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final CommitListeners listeners = new CommitListeners();
    private final AtomicLong head = new AtomicLong();
    private final Thread writer;
    private final Thread headWatcher;

    // the keys of recent and in-flight events; guarded by itself (the writer checks, Kafka's thread and the follower
    // add)
    private final DedupWindow dedup;
    private final Map<GroupCommitLog.Key, CompletableFuture<AppendResult>> inFlight = new HashMap<>();
    // the keys of sends that failed without Kafka saying whether it kept them, each with the number of its failure
    // (ascending in this order), until the follower has read the topic past its end as seen after that failure;
    // guarded by dedup
    private final LinkedHashMap<GroupCommitLog.Key, Long> uncertain = new LinkedHashMap<>();
    private long failures; // guarded by dedup

    private int held; // events queued or in flight; guarded by this
    private long heldBytes; // their bytes (GroupCommitLog.bytesOf); guarded by this
    private boolean closing; // guarded by this
    private volatile boolean closed;
    private volatile double eventsPerSecond = 10_000;
    private volatile long lastAnswer = System.nanoTime(); // Kafka's last acknowledgement or end offset
    private long lastStoredMillis; // writer thread only
    private long followFrom; // where the follower starts: the offset the window's rebuild read up to

    private KafkaEventLog(Broker broker, H2EventLog.Settings settings) {
        this.broker = broker;
        this.settings = settings;
        this.partition = new TopicPartition(broker.eventsTopic(), 0);
        this.dedup = new DedupWindow(settings.dedupWindow().toMillis(), settings.dedupMaxKeys());
        this.producer = new KafkaProducer<>(producerProperties(broker), new ByteArraySerializer(),
            new ByteArraySerializer());
        this.lookup = consumer("lookup");
        this.writer = new Thread(this::runWriter, "bus-kafka-writer");
        this.headWatcher = new Thread(this::follow, "bus-head");
        this.headWatcher.setDaemon(true);
    }

    /**
     * Opens the log: makes the topic if it is missing (one partition), refuses one with more, reads where it ends,
     * fills the window of recent keys from its tail and starts the writer.
     *
     * @throws IllegalStateException when Kafka cannot be reached or the topic does not fit
     */
    public static KafkaEventLog start(Broker broker, H2EventLog.Settings settings) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(settings, "settings");
        ensureTopic(broker);
        KafkaEventLog log = new KafkaEventLog(broker, settings);
        try {
            log.open();
        } catch (RuntimeException e) {
            log.closeClients();
            throw new IllegalStateException("cannot open the bus on " + broker + ": " + e.getMessage(), e);
        }
        return log;
    }

    private void open() {
        lookup.assign(List.of(partition));
        long end = lookup.endOffsets(List.of(partition), ANSWER).get(partition);
        head.set(end);
        loadWindow(end);
        followFrom = end;
        writer.start();
        headWatcher.start();
        LOG.info("Event log (Kafka, {}) started at sequence {} (queue {} events, {} recent keys)", broker, end,
            settings.queueCapacity(), dedup.size());
    }

    // ---- the topic

    /** Makes the events topic with one partition unless it exists; refuses an existing one with several. */
    static void ensureTopic(Broker broker) {
        String topic = broker.eventsTopic();
        try (Admin admin = Admin.create(clientProperties(broker, "admin"))) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ANSWER.toSeconds(), TimeUnit.SECONDS).get(topic);
                if (d.partitions().size() != 1) {
                    throw new IllegalStateException("the topic " + topic + " has " + d.partitions().size()
                        + " partitions; the bus needs exactly one (its offsets are the hub's sequences, see "
                        + "docs/operations.md)");
                }
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            // kept until deleted by Kafka's own retention settings on the topic; timestamps are the hub's
            NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                "cleanup.policy", "delete", "retention.ms", "-1", "message.timestamp.type", "CreateTime"));
            try {
                admin.createTopics(List.of(t)).all().get(ANSWER.toSeconds(), TimeUnit.SECONDS);
                LOG.info("Made the Kafka topic {} (one partition, kept until Kafka's retention says otherwise)", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another node made it meanwhile: fine
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot set up the Kafka topic " + topic + " on "
                + broker.bootstrapServers() + ": " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + broker.bootstrapServers() + " did not answer within "
                + ANSWER.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up the Kafka topic " + topic, e);
        }
    }

    static Properties clientProperties(Broker broker, String role) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "datenhafen-bus-" + role);
        p.putAll(broker.clientProperties());
        return p;
    }

    /**
     * The client settings of {@link Broker#clientProperties} win over the hub's defaults (linger, batch size,
     * compression, time-outs), except those the promises rest on: {@code acks=all}, idempotence, at most five
     * requests in flight (order).
     */
    static Properties producerProperties(Broker broker) {
        Properties p = clientProperties(broker, "producer");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // a broker that is away fails an append within half a minute (503 to HTTP clients), not two minutes
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        return p;
    }

    /** A consumer that reads by offset (no group, nothing committed), from the oldest record kept when behind it. */
    private KafkaConsumer<byte[], byte[]> consumer(String role) {
        // a pooled reader's fetch left waiting at the end would hold up the next seek by up to this long
        return consumer(role, 10, 1);
    }

    private KafkaConsumer<byte[], byte[]> consumer(String role, long fetchMaxWaitMs, int fetchMinBytes) {
        Properties p = clientProperties(broker, role);
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(fetchMaxWaitMs));
        p.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(fetchMinBytes));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a cursor before what retention left
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    // ---- records

    private ProducerRecord<byte[], byte[]> record(NewEvent e, long storedAtMillis) {
        OffsetDateTime storedAt = OffsetDateTime.ofInstant(Instant.ofEpochMilli(storedAtMillis), ZoneOffset.UTC);
        byte[] value = ChunkCodec.encode(1, storedAt, List.of(new StoredEvent(1, e.member(), e.event())), false)
            .stored();
        String subject = e.event().getSubject();
        List<Header> headers = List.of(new RecordHeader(TYPE_HEADER,
            e.event().getType().getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(partition.topic(), 0, storedAtMillis,
            subject == null ? null : subject.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    /**
     * The event a record of the bus's topic holds, as the hub reads it back (sequence = offset + 1). Public for what
     * checks the topic from outside the hub with a consumer of its own, as the crash test does, so that it reads the
     * records with the hub's own decoding.
     *
     * @throws RuntimeException when the record's value is not an event written by a hub
     */
    public static StoredEvent eventOf(ConsumerRecord<byte[], byte[]> r) {
        OffsetDateTime storedAt = OffsetDateTime.ofInstant(Instant.ofEpochMilli(r.timestamp()), ZoneOffset.UTC);
        return ChunkCodec.decode(ChunkCodec.plain(r.value()), r.offset() + 1, storedAt)[0];
    }

    /** The event of a record, or null for one the hub cannot read (not written by a hub). */
    private static StoredEvent decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            return eventOf(r);
        } catch (RuntimeException e) {
            LOG.warn("Skipping record {} of {}: not an event of the hub ({})", r.offset(), r.topic(), e.toString());
            return null;
        }
    }

    /**
     * The (source, id) of a record, read from its value without decoding the event ({@link ChunkCodec#firstKey}), or
     * null for one the hub cannot read.
     */
    private static GroupCommitLog.Key keyOf(ConsumerRecord<byte[], byte[]> r) {
        try {
            return ChunkCodec.firstKey(r.value());
        } catch (RuntimeException e) {
            LOG.warn("Skipping record {} of {}: not an event of the hub ({})", r.offset(), r.topic(), e.toString());
            return null;
        }
    }

    /** Whether a record may match, from its key and type header alone. */
    private static boolean mayMatch(EventFilter filter, ConsumerRecord<byte[], byte[]> r) {
        if (!filter.typePatterns().isEmpty()) {
            Header h = r.headers().lastHeader(TYPE_HEADER);
            if (h != null && !filter.matchesType(new String(h.value(), StandardCharsets.UTF_8))) {
                return false;
            }
        }
        if (filter.subjectPrefix() != null) {
            return r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(filter.subjectPrefix());
        }
        return true;
    }

    private static GroupCommitLog.Key key(CloudEvent ce) {
        return new GroupCommitLog.Key(ce.getSource().toString(), ce.getId());
    }

    // ---- appending

    @Override
    public CompletableFuture<List<AppendResult>> append(List<NewEvent> events) {
        List<NewEvent> copy;
        try {
            copy = GroupCommitLog.validated(events, settings.queueCapacity());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        int n = copy.size();
        if (n == 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        CompletableFuture<List<AppendResult>> future = new CompletableFuture<>();
        long bytes = GroupCommitLog.bytesOf(copy);
        synchronized (this) {
            RetryableException refused = GroupCommitLog.refusal(closing, held, heldBytes, n, bytes, settings,
                eventsPerSecond);
            if (refused != null) {
                return CompletableFuture.failedFuture(refused);
            }
            held += n;
            heldBytes += bytes;
            queue.add(new Request(copy, bytes, future));
        }
        return future;
    }

    private void runWriter() {
        try {
            while (true) {
                Request r = queue.take();
                if (r == CLOSE) {
                    return;
                }
                try {
                    send(r);
                } catch (RuntimeException e) {
                    LOG.warn("Could not store {} events: {}", r.events().size(), e.toString());
                    released(r);
                    r.future().completeExceptionally(failure(e));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lookup.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Produces the request's new events, after looking each up among the recent and in-flight keys; completes the
     * request when Kafka acknowledged them all.
     */
    private void send(Request r) {
        RetryableException unsure = uncertainIn(r.events());
        if (unsure != null) {
            released(r);
            r.future().completeExceptionally(unsure);
            return;
        }
        long started = System.nanoTime();
        long now = Math.max(settings.clock().millis(), lastStoredMillis); // never back: seeking by time stays sound
        lastStoredMillis = now;
        List<CompletableFuture<AppendResult>> each = new ArrayList<>(r.events().size());
        for (NewEvent e : r.events()) {
            GroupCommitLog.Key key = key(e.event());
            long hash = EventRows.keyHash(key.source(), key.id());
            CompletableFuture<AppendResult> earlier;
            long candidate;
            CompletableFuture<AppendResult> mine = new CompletableFuture<>();
            synchronized (dedup) {
                earlier = inFlight.get(key);
                candidate = earlier == null ? dedup.get(hash) : -1;
                if (earlier == null && candidate <= 0) {
                    inFlight.put(key, mine);
                }
            }
            if (earlier != null) {
                each.add(earlier.thenApply(first -> new AppendResult(first.sequence(), true)));
                continue;
            }
            if (candidate > 0) {
                if (isStoredAt(candidate, key)) {
                    each.add(CompletableFuture.completedFuture(new AppendResult(candidate, true)));
                    continue;
                }
                synchronized (dedup) { // a hash collision: a new event after all
                    earlier = inFlight.putIfAbsent(key, mine);
                }
                if (earlier != null) {
                    each.add(earlier.thenApply(first -> new AppendResult(first.sequence(), true)));
                    continue;
                }
            }
            produce(e, key, hash, now, mine);
            each.add(mine);
        }
        CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).whenComplete((ok, failed) -> {
            int n = r.events().size();
            long last = 0;
            if (failed == null) {
                List<AppendResult> results = new ArrayList<>(n);
                for (CompletableFuture<AppendResult> f : each) {
                    AppendResult a = f.join();
                    results.add(a);
                    if (!a.duplicate()) {
                        last = Math.max(last, a.sequence());
                    }
                }
                double seconds = Math.max(1e-6, (System.nanoTime() - started) / 1e9);
                eventsPerSecond = 0.8 * eventsPerSecond + 0.2 * (n / seconds);
                // the head first: a producer that reads right after its answer must find its events
                boolean raised = last > 0 && raiseHead(last);
                r.future().complete(results);
                if (raised) {
                    tellListeners();
                }
            } else {
                r.future().completeExceptionally(failed instanceof java.util.concurrent.CompletionException c
                    && c.getCause() != null ? c.getCause() : failed);
            }
            released(r);
        });
    }

    private void produce(NewEvent e, GroupCommitLog.Key key, long hash, long storedAtMillis,
                         CompletableFuture<AppendResult> result) {
        try {
            producer.send(record(e, storedAtMillis), (meta, error) -> {
                if (error != null) {
                    synchronized (dedup) {
                        inFlight.remove(key, result);
                        // a record too large is refused unwritten; after any other failure Kafka may have kept it
                        if (!(error instanceof RecordTooLargeException)) {
                            uncertain(key);
                        }
                    }
                    result.completeExceptionally(failure(error));
                    return;
                }
                lastAnswer = System.nanoTime();
                long seq = meta.offset() + 1;
                synchronized (dedup) {
                    dedup.addIfNew(hash, seq, storedAtMillis);
                    inFlight.remove(key, result);
                }
                result.complete(new AppendResult(seq, false));
            });
        } catch (KafkaException | IllegalStateException ex) { // the producer refused at once (closed, full, ...)
            synchronized (dedup) {
                inFlight.remove(key, result);
            }
            result.completeExceptionally(failure(ex));
        }
    }

    /**
     * Notes a key whose send failed after it may have reached Kafka (a time-out: the broker may have written it and
     * its answer been lost); guarded by dedup. At most the window's size of them are kept, the oldest dropped first.
     */
    private void uncertain(GroupCommitLog.Key key) {
        uncertain.remove(key); // to the end: the numbers stay ascending
        uncertain.put(key, ++failures);
        if (uncertain.size() > settings.dedupMaxKeys()) {
            Iterator<GroupCommitLog.Key> oldest = uncertain.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /**
     * Refuses a request with an event whose earlier send is still uncertain: stored now, it might be stored twice,
     * and the follower will soon know (once it has read past the topic's end as seen after that failure). Null when
     * there is none.
     */
    private RetryableException uncertainIn(List<NewEvent> events) {
        synchronized (dedup) {
            if (uncertain.isEmpty()) {
                return null;
            }
            for (NewEvent e : events) {
                if (uncertain.containsKey(key(e.event()))) {
                    return new RetryableException("an earlier attempt to store the event " + e.event().getId()
                        + " of " + e.event().getSource() + " failed while Kafka did not answer; whether Kafka kept it"
                        + " is known once the hub has read the topic again", Duration.ofSeconds(1));
                }
            }
            return null;
        }
    }

    /** Whether the record at {@code seq} is the event with this key (confirms a hit of the window). */
    private boolean isStoredAt(long seq, GroupCommitLog.Key key) {
        lookup.seek(partition, seq - 1);
        long deadline = System.nanoTime() + ANSWER.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : lookup.poll(Duration.ofMillis(200)).records(partition)) {
                if (r.offset() >= seq - 1) {
                    StoredEvent e = r.offset() == seq - 1 ? decode(r) : null;
                    return e != null && key.equals(key(e.event()));
                }
            }
            if (lookup.position(partition) > seq - 1) {
                return false; // gone (retention)
            }
        }
        throw new RetryableException("Kafka did not answer a look-up of a recent event within "
            + ANSWER.toSeconds() + " s", Duration.ofSeconds(5));
    }

    private static RuntimeException failure(Throwable e) {
        if (e instanceof HubException h) {
            return h;
        }
        if (e instanceof RetriableException || e instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new RetryableException("Kafka did not take the events: " + e.getMessage(), Duration.ofSeconds(5));
        }
        if (e instanceof RecordTooLargeException) {
            return new InvalidInputException("an event is larger than the Kafka topic takes (max.message.bytes): "
                + e.getMessage(), "data");
        }
        return new HubException("the event log could not store the events on Kafka: " + e, null, e);
    }

    private void released(Request r) {
        synchronized (this) {
            held -= r.events().size();
            heldBytes -= r.bytes();
        }
    }

    /** Fills the window of recent keys from the topic's tail, within the window's time and size. */
    private void loadWindow(long end) {
        long begin = lookup.beginningOffsets(List.of(partition), ANSWER).get(partition);
        long from = Math.max(begin, end - settings.dedupMaxKeys());
        long since = settings.clock().millis() - settings.dedupWindow().toMillis();
        OffsetAndTimestamp byTime = lookup.offsetsForTimes(Map.of(partition, Math.max(0, since)), ANSWER)
            .get(partition);
        from = Math.max(from, byTime == null ? end : byTime.offset());
        lookup.seek(partition, from);
        long pos = from;
        long deadline = System.nanoTime() + ANSWER.toNanos() * 4;
        while (pos < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading the topic's recent events took longer than "
                    + ANSWER.toSeconds() * 4 + " s");
            }
            for (ConsumerRecord<byte[], byte[]> r : lookup.poll(Duration.ofMillis(500)).records(partition)) {
                if (r.offset() >= end) {
                    break;
                }
                GroupCommitLog.Key k = keyOf(r);
                if (k != null) {
                    dedup.add(EventRows.keyHash(k.source(), k.id()), r.offset() + 1, r.timestamp());
                }
                lastStoredMillis = Math.max(lastStoredMillis, r.timestamp());
            }
            pos = lookup.position(partition);
        }
    }

    // ---- reading

    @Override
    public List<StoredEvent> read(EventFilter filter, long after, int limit) {
        return read(filter, after, limit, Long.MAX_VALUE);
    }

    /** Stops at {@code upTo}: a sequence is its offset + 1, so the offsets read are those below it. */
    /** Offsets have no stretches to step over (a restore does not touch the topic): no look at the topic. */
    @Override
    public java.util.OptionalLong firstSequenceAfter(long after, long upTo) {
        return after < upTo ? java.util.OptionalLong.of(after + 1) : java.util.OptionalLong.empty();
    }

    @Override
    public List<StoredEvent> read(EventFilter filter, long after, int limit, long upTo) {
        Objects.requireNonNull(filter, "filter");
        GroupCommitLog.checkLimit(limit);
        long end = Math.min(head.get(), upTo);
        List<StoredEvent> out = new ArrayList<>(Math.min(limit, 1024));
        if (after >= end) {
            return out;
        }
        KafkaConsumer<byte[], byte[]> c = borrow();
        try {
            c.seek(partition, Math.max(0, after));
            long deadline = System.nanoTime() + ANSWER.toNanos();
            while (out.size() < limit && c.position(partition) < end) {
                var records = c.poll(Duration.ofMillis(200)).records(partition);
                if (records.isEmpty() && System.nanoTime() > deadline) {
                    throw new HubException("cannot read the event log: Kafka sent nothing for "
                        + ANSWER.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.offset() >= end || out.size() >= limit) {
                        return out;
                    }
                    if (mayMatch(filter, r)) {
                        StoredEvent e = decode(r);
                        if (e != null && filter.matches(e)) {
                            out.add(e);
                        }
                    }
                }
            }
            return out;
        } catch (KafkaException e) {
            throw new HubException("cannot read the event log from Kafka: " + e.getMessage(), null, e);
        } finally {
            release(c);
        }
    }

    @Override
    public long firstStoredAtOrAfter(Instant time) {
        KafkaConsumer<byte[], byte[]> c = borrow();
        try {
            OffsetAndTimestamp at = c.offsetsForTimes(Map.of(partition, Math.max(0, time.toEpochMilli())), ANSWER)
                .get(partition);
            return at == null || at.offset() >= head.get() ? 0 : at.offset() + 1;
        } catch (KafkaException e) {
            throw new HubException("cannot read the event log from Kafka: " + e.getMessage(), null, e);
        } finally {
            release(c);
        }
    }

    private KafkaConsumer<byte[], byte[]> borrow() {
        if (closed) {
            throw new RetryableException("the event log is shutting down", Duration.ofSeconds(5));
        }
        KafkaConsumer<byte[], byte[]> c = readers.pollFirst();
        if (c != null) {
            return c;
        }
        if (readersMade.incrementAndGet() <= READERS) {
            c = consumer("reader-" + readersMade.get());
            c.assign(List.of(partition));
            return c;
        }
        readersMade.decrementAndGet();
        try {
            c = readers.pollFirst(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while waiting to read the event log");
        }
        if (c == null) {
            throw new RetryableException("every reader of the event log is busy", Duration.ofSeconds(1));
        }
        return c;
    }

    private void release(KafkaConsumer<byte[], byte[]> c) {
        if (closed) {
            c.close(Duration.ofSeconds(1));
        } else {
            readers.addFirst(c);
        }
    }

    // ---- the head

    @Override
    public long lastSequence() {
        return head.get();
    }

    private boolean raiseHead(long seq) {
        return seq > head.getAndAccumulate(seq, Math::max);
    }

    /** Serialized, so that with Kafka's thread and the head watcher both telling, no listener goes back. */
    private void tellListeners() {
        listeners.tell(head::get);
    }

    /**
     * The follower ({@code bus-head}): reads every record written to the topic since the window's rebuild at start,
     * by any node (and this node's sends that failed yet were written), adds each one's key to the window, and, while
     * this node has no appends in flight, raises the head to what it has read, waking subscriptions and streams. A
     * fetch waits up to {@value #HEAD_POLL_MS} ms for new records. Every {@value #HEAD_POLL_MS} ms it also reads where
     * the topic ends (the high watermark), which tells {@link #silence} that Kafka answers and, once it has read up to
     * that end, settles the uncertain keys of the failures before it.
     */
    private void follow() {
        KafkaConsumer<byte[], byte[]> c = null;
        long lastEnd = System.nanoTime() - HEAD_POLL_MS * 1_000_000;
        long settled = 0; // failures up to this number are settled
        long settling = 0; // failures up to this number are settled once the position reaches settleAt
        long settleAt = -1;
        long[] hashes = new long[0];
        long[] seqs = new long[0];
        long[] times = new long[0];
        while (!closed) {
            try {
                if (c == null) {
                    // under load a fetch waits for a producer batch's worth (fewer, larger fetches), else
                    // at most HEAD_POLL_MS: how late this node may learn of another node's event
                    c = consumer("head", HEAD_POLL_MS, 262_144);
                    c.assign(List.of(partition));
                    c.seek(partition, followFrom);
                }
                ConsumerRecords<byte[], byte[]> polled = c.poll(Duration.ofMillis(HEAD_POLL_MS));
                int n = 0;
                if (polled.count() > hashes.length) {
                    hashes = new long[polled.count()];
                    seqs = new long[polled.count()];
                    times = new long[polled.count()];
                }
                for (ConsumerRecord<byte[], byte[]> r : polled.records(partition)) { // decoded outside the lock
                    GroupCommitLog.Key k = keyOf(r);
                    if (k != null) {
                        hashes[n] = EventRows.keyHash(k.source(), k.id());
                        seqs[n] = r.offset() + 1;
                        times[n] = r.timestamp();
                        n++;
                    }
                }
                if (n > 0) {
                    synchronized (dedup) {
                        for (int i = 0; i < n; i++) {
                            dedup.addIfNew(hashes[i], seqs[i], times[i]);
                        }
                    }
                }
                long position = c.position(partition);
                boolean busy;
                synchronized (this) {
                    busy = held > 0;
                }
                // while this node's own appends are in flight their acknowledgements raise the head, once per append
                // (listeners are woken once per append, not also for each fetch that read a part of it)
                if (!busy && raiseHead(position)) {
                    tellListeners();
                }
                if (System.nanoTime() - lastEnd >= HEAD_POLL_MS * 1_000_000) {
                    long failed;
                    synchronized (dedup) {
                        failed = failures;
                    }
                    Long end = c.endOffsets(List.of(partition), ANSWER).get(partition); // read after those failures
                    lastEnd = System.nanoTime();
                    lastAnswer = lastEnd;
                    if (settleAt < 0 && failed > settled && end != null) {
                        settling = failed;
                        settleAt = end;
                    }
                }
                if (settleAt >= 0 && position >= settleAt) {
                    settle(settling);
                    settled = settling;
                    settleAt = -1;
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                break;
            } catch (KafkaException e) {
                LOG.debug("Could not follow the bus's topic: {}", e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        if (c != null) {
            Thread.interrupted(); // the close's interrupt, so that the consumer closes cleanly
            c.close(Duration.ofSeconds(1));
        }
    }

    /** Forgets the uncertain keys of failures up to {@code failed}: the follower has read what they may have left. */
    private void settle(long failed) {
        synchronized (dedup) {
            Iterator<Long> it = uncertain.values().iterator();
            while (it.hasNext() && it.next() <= failed) {
                it.remove();
            }
        }
    }

    @Override
    public void onCommit(LongConsumer listener) {
        listeners.add(listener);
    }

    @Override
    public void removeOnCommit(LongConsumer listener) {
        listeners.remove(listener);
    }

    /**
     * Why the log looks cut off from Kafka (for {@code /health/ready}): no acknowledgement and no end offset for longer
     * than {@code quiet}; empty while Kafka answers.
     */
    public Optional<String> silence(Duration quiet) {
        long ms = (System.nanoTime() - lastAnswer) / 1_000_000;
        return ms > quiet.toMillis() ? Optional.of("no answer from " + broker.bootstrapServers() + " for " + ms / 1000
            + " s") : Optional.empty();
    }

    /** Events queued or waiting for Kafka's acknowledgement; for metrics. */
    @Override
    public int pendingEvents() {
        synchronized (this) {
            return held;
        }
    }

    // ---- closing

    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        queue.add(CLOSE);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.flush(); // every append sent is answered before close returns
        closed = true;
        closeClients();
        LOG.info("Event log (Kafka) closed at sequence {}", head.get());
    }

    private void closeClients() {
        closed = true;
        headWatcher.interrupt();
        try {
            headWatcher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        if (!writer.isAlive() && writer.getState() == Thread.State.NEW) {
            lookup.close(Duration.ofSeconds(1)); // the writer never ran, so it did not close it
        }
        KafkaConsumer<byte[], byte[]> c;
        while ((c = readers.pollFirst()) != null) {
            c.close(Duration.ofSeconds(1));
        }
    }

    @Override
    public String toString() {
        return "KafkaEventLog{" + broker + ", last=" + head.get() + ", pending=" + pendingEvents() + "}";
    }
}
