package de.datenhafen.core.bus;

import de.datenhafen.api.RetryableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscriptions as Kafka consumer groups ({@code bus.kind=kafka}): subscription {@code name} is the group
 * {@code <prefix>subscription.<name>} on the events topic, and its cursor is the group's committed offset (sequence =
 * offset + 1, so the committed offset, Kafka's "next offset to read", is the last sequence delivered).
 *
 * <ul>
 * <li><b>One node at a time is Kafka's assignment.</b> Each node with a consumer of the subscription runs a member
 * of its group; the topic has one partition, so one member is assigned it and delivers, the others wait. A node that
 * stops leaves the group and another member gets the partition at once; one that dies is dropped by the group after
 * {@code session.timeout.ms} (8 s, heartbeats every 2 s), and the partition moves within about that time plus a
 * rebalance (well within the 15 s the issue asks).</li>
 * <li><b>Fencing is the group's generation.</b> Cursor moves are committed with {@code commitSync} by the member that
 * holds the partition, which Kafka accepts only from a member of the current generation: a member that lost the
 * partition (paused past its session, or its poll thread stuck past {@code max.poll.interval.ms}) has its commit
 * refused ({@link CommitFailedException}) and stops delivering, as the database's refused fenced write stops a node
 * there. It also stops on its own once its poll thread has not polled for half the shorter of those two times, so
 * it does not go on delivering while it cannot know whether it still holds the partition. Each commit names its
 * node and generation in its metadata ({@link #commitOf}), the admin's view of who moved the cursor last.</li>
 * <li><b>Delivery reads the log by sequence, as on the database.</b> The member only holds membership: its partition
 * is paused, it never fetches, and it commits. The {@link SubscriptionWorker} reads through {@link EventLog#read} as
 * it does on every storage, so filters, batches, retries, dead letters and replays stay one piece of code, and a
 * seek is a commit. The member's thread polls every 100 ms (far inside {@code max.poll.interval.ms}) and commits
 * what the worker advanced every {@code bus.cursor.flush} (so, as on the database, a crash re-delivers at most what
 * was delivered since the last commit).</li>
 * <li><b>Seek, create and delete</b> set the group through whoever may: the node that holds the partition commits
 * the new position; with no member anywhere the admin client sets the offset (Kafka allows that only for an empty
 * group); otherwise the seek is written to the database and announced, and the node that delivers commits it. A
 * group without a committed offset (new) starts where the database row says (the log's end at creation, as on the
 * database). Delete deletes the group.</li>
 * </ul>
 *
 * <p>Names and filters of subscriptions stay in the database ({@code bus_subscription}), whose cursor column here is
 * only the start of a new group and the target of the last seek; dead letters are in the compacted topic
 * {@code <prefix>dead-letters} ({@link KafkaDeadLetterStore}).
 */
public final class KafkaSubscriptionBackend implements HubSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSubscriptionBackend.class);
    private static final Duration ANSWER = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(100);

    /**
     * How members of subscription groups behave.
     *
     * @param sessionTimeout {@code session.timeout.ms}: a member not heard of for this long is dropped (at least the
     *     broker's {@code group.min.session.timeout.ms}, 6 s by default)
     * @param heartbeat {@code heartbeat.interval.ms}
     * @param maxPollInterval {@code max.poll.interval.ms}: a member whose thread does not poll for this long leaves
     * @param commitInterval how often a moved cursor is committed ({@code bus.cursor.flush})
     */
    public record Settings(Duration sessionTimeout, Duration heartbeat, Duration maxPollInterval,
                           Duration commitInterval) {

        // 8 s and not Kafka's 45: a dead node's subscriptions must move within 15 s (the design's promise), and a
        // kill lands up to a session after the last heartbeat, then a rebalance and the new holder's first read
        // follow; with 10 s that took 12.2 s on a quiet machine and 14 to 16.9 s on one at load 20.
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(8), Duration.ofSeconds(2),
            Duration.ofSeconds(10), Duration.ofMillis(200));

        public Settings {
            Objects.requireNonNull(sessionTimeout, "sessionTimeout");
            Objects.requireNonNull(heartbeat, "heartbeat");
            Objects.requireNonNull(maxPollInterval, "maxPollInterval");
            Objects.requireNonNull(commitInterval, "commitInterval");
        }

        public Settings withCommitInterval(Duration interval) {
            return new Settings(sessionTimeout, heartbeat, maxPollInterval, interval);
        }
    }

    private final KafkaEventLog.Broker broker;
    private final EventLog log;
    private final SubscriptionStore store;
    private final KafkaDeadLetterStore deadLetterStore;
    private final String nodeId;
    private final Settings settings;
    private final TopicPartition partition;
    private final Admin admin;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final SubscriptionConsumers consumers = new SubscriptionConsumers();
    private volatile Consumer<String> seeks = name -> { };

    public KafkaSubscriptionBackend(KafkaEventLog.Broker broker, DataSource dataSource, EventLog log, Clock clock,
                                    String nodeId, Settings settings) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.log = log;
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = new SubscriptionStore(dataSource, clock, log);
        this.deadLetterStore = new KafkaDeadLetterStore(broker, clock);
        // dead letters recorded while the bus was in the database (before an upgrade to Kafka) join the topic
        deadLetterStore.takeOver(new JdbcDeadLetterStore(dataSource, clock));
        this.partition = new TopicPartition(broker.eventsTopic(), 0);
        this.admin = Admin.create(KafkaEventLog.clientProperties(broker, "subscriptions-admin"));
    }

    /** The consumer group of a subscription. */
    public static String group(KafkaEventLog.Broker broker, String subscription) {
        return broker.topicPrefix() + "subscription." + subscription;
    }

    private String group(String subscription) {
        return group(broker, subscription);
    }

    @Override
    public SubscriptionStore store() {
        return store;
    }

    @Override
    public DeadLetterStore deadLetterStore() {
        return deadLetterStore;
    }

    @Override
    public EventLog log() {
        return log;
    }

    @Override
    public SubscriptionConsumers consumers() {
        return consumers;
    }

    @Override
    public SubscriptionWorker.Cursor cursor(String subscription, EventFilter filter) {
        attachable(subscription, filter);
        Member m = new Member(subscription);
        Member old = members.put(subscription, m);
        if (old != null) {
            old.close(true);
        }
        m.start();
        return m;
    }

    @Override
    public Subscription create(String name, EventFilter filter, long cursor) {
        Subscription s = store.create(name, filter, cursor);
        // a group left over from a subscription of the same name whose group could not be deleted would otherwise
        // lend its offset to the new one
        if (!commitByAdmin(name, cursor)) {
            LOG.warn("Subscription {}: could not set the offset of its consumer group {}; it starts where that group "
                + "stands", name, group(name));
        }
        return s;
    }

    @Override
    public long position(String subscription) {
        Member m = members.get(subscription);
        if (m != null && m.held()) {
            return m.position();
        }
        return committed(subscription).map(OffsetAndMetadata::offset)
            .orElseGet(() -> store.get(subscription).map(Subscription::cursor).orElse(0L));
    }

    /**
     * Who committed the group's offset last, as the commit's metadata says ({@link #commitOf}): what
     * {@code kafka-consumer-groups --describe --verbose} shows as its metadata too.
     */
    @Override
    public Optional<CursorMove> lastMove(String subscription) {
        return committed(subscription).map(OffsetAndMetadata::metadata).flatMap(KafkaSubscriptionBackend::moveOf);
    }

    /**
     * A commit of {@code offset} with who made it in its metadata: {@code <generation> <node id>} from a member (the
     * group's generation is what fences its commits), {@code - <node id>} from the admin client of a group without
     * members.
     */
    static OffsetAndMetadata commitOf(long offset, int generation, String node) {
        return new OffsetAndMetadata(offset, (generation < 0 ? "-" : Integer.toString(generation)) + " " + node);
    }

    /** The move a commit's metadata names; empty for one the hub did not make (older hubs, other tools). */
    static Optional<CursorMove> moveOf(String metadata) {
        int space = metadata == null ? -1 : metadata.indexOf(' ');
        if (space < 1 || space == metadata.length() - 1) {
            return Optional.empty();
        }
        String token = metadata.substring(0, space);
        String node = metadata.substring(space + 1);
        if (token.equals("-")) {
            return Optional.of(new CursorMove(node, null));
        }
        try {
            return Optional.of(new CursorMove(node, Long.parseLong(token)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The group's committed offset, if it has one. */
    private Optional<OffsetAndMetadata> committed(String subscription) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group(subscription))
                .partitionsToOffsetAndMetadata().get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.ofNullable(offsets.get(partition));
        } catch (ExecutionException | TimeoutException e) {
            throw new RetryableException("Kafka did not say where subscription '" + subscription + "' stands; "
                + "try again", Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted", Duration.ofSeconds(1));
        }
    }

    @Override
    public Optional<String> deliveredBy(String subscription) {
        Member m = members.get(subscription);
        if (m != null && m.held()) {
            return Optional.of(nodeId);
        }
        return Optional.ofNullable(holders(List.of(subscription)).get(subscription));
    }

    /** Every subscription's delivering node, from one description of all their groups. */
    @Override
    public Map<String, String> deliverers() {
        return holders(store.list().stream().map(Subscription::name).toList());
    }

    /**
     * The node whose member holds the partition in each subscription's group (a member's client id ends in
     * {@code @<node>}), by subscription; one that no member holds, or that Kafka did not describe in time, is missing.
     */
    private Map<String, String> holders(List<String> subscriptions) {
        Map<String, String> holders = new TreeMap<>();
        if (subscriptions.isEmpty()) {
            return holders;
        }
        Map<String, String> byGroup = new HashMap<>();
        subscriptions.forEach(s -> byGroup.put(group(s), s));
        var described = admin.describeConsumerGroups(byGroup.keySet()).describedGroups();
        long deadline = System.nanoTime() + ANSWER.toNanos();
        for (var e : described.entrySet()) {
            try {
                ConsumerGroupDescription d = e.getValue().get(Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
                for (MemberDescription member : d.members()) {
                    if (member.assignment().topicPartitions().contains(partition)) {
                        String client = member.clientId();
                        int at = client.lastIndexOf('@');
                        holders.put(byGroup.get(e.getKey()), at < 0 ? client : client.substring(at + 1));
                    }
                }
            } catch (ExecutionException | TimeoutException ex) {
                // not described in time: left out, as a subscription no node delivers
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return holders;
    }

    @Override
    public void onSeek(Consumer<String> told) {
        this.seeks = Objects.requireNonNull(told, "told");
    }

    @Override
    public Subscription seek(String subscription, long nextSeq) {
        Subscription s = store.seek(subscription, nextSeq);
        moveTo(subscription, s.cursor());
        return s;
    }

    @Override
    public Subscription seekToTime(String subscription, Instant time) {
        Subscription s = store.seekToTime(subscription, time);
        moveTo(subscription, s.cursor());
        return s;
    }

    /**
     * Sets the group's offset: committed here if this node holds the partition, by the admin client if the group has
     * no member, else by the node that holds it when told (the position is in the database row meanwhile).
     */
    private void moveTo(String subscription, long cursor) {
        Member m = members.get(subscription);
        if (m != null && m.moveTo(cursor)) {
            return;
        }
        if (commitByAdmin(subscription, cursor)) {
            return;
        }
        seeks.accept(subscription);
    }

    @Override
    public void changedElsewhere(String subscription) {
        Member m = members.get(subscription);
        if (m != null) {
            store.get(subscription).ifPresent(s -> m.moveTo(s.cursor()));
        }
    }

    @Override
    public void forget(String subscription) {
        Member m = members.remove(subscription);
        if (m != null) {
            m.close(true);
        }
        // dead letters go with their subscription, as the database's foreign key has them go there
        deadLetterStore.deleteMatching(DeadLetterFilter.ofSubscription(subscription));
        try {
            admin.deleteConsumerGroups(List.of(group(subscription))).all().get(ANSWER.toMillis(),
                TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupNotEmptyException) {
                LOG.warn("Subscription {} deleted, but its consumer group {} still has members on other nodes; "
                    + "it goes with them (or delete it with kafka-consumer-groups --delete)", subscription,
                    group(subscription));
            } else if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                LOG.warn("Subscription {} deleted, but not its consumer group {}: {}", subscription,
                    group(subscription), e.getCause().toString());
            }
        } catch (TimeoutException e) {
            LOG.warn("Subscription {} deleted, but Kafka did not confirm deleting its consumer group {}",
                subscription, group(subscription));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sets the offset of a group that has no member (Kafka refuses it for one that has). */
    private boolean commitByAdmin(String subscription, long cursor) {
        try {
            admin.alterConsumerGroupOffsets(group(subscription), Map.of(partition, commitOf(cursor, -1, nodeId)))
                .all().get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Subscription {}: the admin client could not set its group's offset: {}", subscription,
                e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Commits every member's moved cursor now (a stop does this too); for tests. */
    void commitNow() {
        for (Member m : members.values()) {
            m.call(() -> {
                m.commitMoved();
                return true;
            });
        }
    }

    /** Runs {@code task} on the member thread of the subscription, without waiting (a test blocks it so). */
    void onMemberThread(String subscription, Runnable task) {
        Member m = members.get(subscription);
        if (m == null) {
            throw new IllegalStateException("no member for " + subscription);
        }
        m.tasks.add(task);
    }

    /** Has the member commit its position at its next turn, without waiting (behind a task that blocks it). */
    void commitSoon(String subscription) {
        Member m = members.get(subscription);
        onMemberThread(subscription, m::commitMoved);
    }

    /** How many commits of the subscription's member Kafka refused (it had lost the partition). */
    int refusedCommits(String subscription) {
        Member m = members.get(subscription);
        return m == null ? 0 : m.refused.get();
    }

    /** Ends this node's member of the subscription as a dead node's ends: no commit, no leave; for tests. */
    void vanish(String subscription) {
        Member m = members.remove(subscription);
        if (m != null) {
            m.close(false);
        }
    }

    @Override
    public void close() {
        for (Member m : members.values()) {
            m.close(true);
        }
        members.clear();
        admin.close(ANSWER);
        deadLetterStore.close();
    }

    /**
     * This node's member of a subscription's group, and the worker's cursor: the position moves in memory with each
     * delivery and is committed by the member's own thread (Kafka's consumer is used by one thread only).
     */
    private final class Member implements SubscriptionWorker.Cursor {
        private final String name;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread;
        private final long selfFenceNanos;
        private final long commitNanos;
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final AtomicInteger refused = new AtomicInteger();
        private volatile boolean running = true;
        private volatile boolean leave = true;
        private volatile long lastPoll = System.nanoTime();
        private boolean assigned; // guarded by this
        private long position; // guarded by this
        private long committedPos = -1; // member thread only
        private long lastCommit = System.nanoTime(); // member thread only
        private boolean starting; // assigned the partition, not delivering yet; member thread only

        Member(String name) {
            this.name = name;
            Properties p = KafkaEventLog.clientProperties(broker, "subscription");
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, "datenhafen-subscription." + name + "@" + nodeId);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group(name));
            // the classic protocol: its session time-out is the client's, so a dead node's partition moves within it
            p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
            p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(settings.sessionTimeout().toMillis()));
            p.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(settings.heartbeat().toMillis()));
            p.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                Long.toString(settings.maxPollInterval().toMillis()));
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"); // never fetched: the partition stays paused
            // sticky: a node that comes back does not take the partition from the one delivering it
            p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG); // static members would keep a dead node's partition
            long session = Long.parseLong(p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG).toString());
            long maxPoll = Long.parseLong(p.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG).toString());
            this.selfFenceNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(session, maxPoll) / 2);
            this.commitNanos = settings.commitInterval().toNanos();
            this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.thread = new Thread(this::run, "subscription-group-" + name);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        @Override
        public synchronized long position() {
            return position;
        }

        @Override
        public synchronized boolean advance(long from, long to) {
            if (position != from || !held()) {
                return false;
            }
            position = to;
            return true;
        }

        @Override
        public boolean held() {
            synchronized (this) {
                if (!assigned) {
                    return false;
                }
            }
            return System.nanoTime() - lastPoll < selfFenceNanos;
        }

        @Override
        public void release() {
            members.remove(name, this);
            close(true);
        }

        /** Moves the position and commits it, if this member holds the partition; false if it does not. */
        boolean moveTo(long cursor) {
            boolean moved = call(() -> {
                synchronized (this) {
                    if (!assigned) {
                        return false;
                    }
                    position = cursor;
                }
                commitMoved();
                return held();
            });
            if (moved) {
                consumers.of(name).ifPresent(a -> a.worker().wake());
            }
            return moved;
        }

        /** Runs {@code task} on the member thread and waits for its answer (false when it does not come). */
        boolean call(java.util.concurrent.Callable<Boolean> task) {
            CompletableFuture<Boolean> answer = new CompletableFuture<>();
            tasks.add(() -> {
                try {
                    answer.complete(task.call());
                } catch (Exception e) {
                    answer.completeExceptionally(e);
                }
            });
            if (!running) {
                return false;
            }
            try {
                return answer.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private void run() {
            try {
                consumer.subscribe(List.of(partition.topic()), new Listener());
                while (running) {
                    try {
                        consumer.poll(POLL);
                        lastPoll = System.nanoTime();
                        if (starting) {
                            takeUp();
                        }
                        Runnable task;
                        while ((task = tasks.poll()) != null) {
                            task.run();
                        }
                        if (System.nanoTime() - lastCommit >= commitNanos) {
                            commitMoved();
                        }
                    } catch (WakeupException e) {
                        // close() wakes the poll up; the loop's condition ends it
                    } catch (RuntimeException e) { // Kafka or the database away: the member stays, tries again
                        LOG.warn("Subscription {}: its consumer group member failed ({}); trying again in 1 s", name,
                            e.toString());
                        SubscriptionWorker.sleepQuietly(1000); // a back-off, not a wait for a condition
                    }
                }
                if (leave) {
                    try {
                        commitMoved();
                    } catch (WakeupException e) { // close() woke a consumer that was not polling: once more
                        commitMoved();
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("Subscription {}: its consumer group member stopped: {}", name, e.toString(), e);
            } finally {
                synchronized (this) {
                    assigned = false;
                }
                closeConsumer();
            }
        }

        private void closeConsumer() {
            try {
                // leaving hands the partition to another node at once; a vanishing member (tests) stays until its
                // session ends, as a dead node's does
                consumer.close(CloseOptions.groupMembershipOperation(leave
                    ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                    : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP).withTimeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.warn("Subscription {}: closing its consumer group member failed: {}", name, e.toString());
            }
        }

        /**
         * Starts delivering the partition just assigned, from the group's committed offset (or, for a group without
         * one, where the database row says, committed then); member thread only. Kafka does not assign the partition
         * again, so a failure here leaves {@code starting} set and the next turn tries again.
         */
        private void takeUp() {
            OffsetAndMetadata committed = consumer.committed(Set.of(partition), ANSWER).get(partition);
            long start = committed != null ? committed.offset()
                : store.get(name).map(Subscription::cursor).orElseGet(log::lastSequence);
            synchronized (this) {
                position = start;
                committedPos = committed != null ? start : -1;
                assigned = true;
            }
            starting = false;
            if (committed == null) {
                commitMoved();
            }
            LOG.info("Subscription {}: delivered by this node from sequence {} on (consumer group {})", name,
                start + 1, group(name));
            consumers.of(name).ifPresent(a -> a.worker().wake());
        }

        /** Commits {@code target}, naming this node and the member's generation; member thread only. */
        private void commit(long target) {
            consumer.commitSync(Map.of(partition, commitOf(target, consumer.groupMetadata().generationId(), nodeId)),
                ANSWER);
        }

        /** Commits the position if it moved since the last commit; member thread only. */
        void commitMoved() {
            lastCommit = System.nanoTime();
            long target;
            synchronized (this) {
                if (!assigned || position == committedPos) {
                    return;
                }
                target = position;
            }
            try {
                commit(target);
                committedPos = target;
            } catch (RebalanceInProgressException e) {
                // the group is rebalancing: the next poll finishes it; the commit is tried again then, or the
                // partition is revoked (committed there) or lost
                LOG.debug("Subscription {}: commit deferred, the group is rebalancing", name);
            } catch (CommitFailedException | FencedInstanceIdException e) {
                lost("Kafka refused its commit of " + target + ": " + e.getMessage());
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                LOG.warn("Subscription {}: could not commit its cursor {} ({}); trying again", name, target,
                    e.toString());
            }
        }

        private void lost(String why) {
            synchronized (this) {
                assigned = false;
            }
            refused.incrementAndGet();
            LOG.warn("Subscription {}: this node no longer holds its partition ({}); another node delivers", name,
                why);
        }

        /** Stops the member; {@code leave}: commit and leave the group (else vanish as a dead node's member). */
        void close(boolean leave) {
            if (!running) {
                return;
            }
            this.leave = leave;
            running = false;
            consumer.wakeup();
            if (Thread.currentThread() == thread) {
                return;
            }
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private final class Listener implements ConsumerRebalanceListener {
            @Override
            public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                if (!partitions.contains(partition)) {
                    return;
                }
                consumer.pause(partitions);
                starting = true; // taken up after the poll, where a failure to read the offset can be tried again
            }

            @Override
            public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                if (!partitions.contains(partition)) {
                    return;
                }
                starting = false;
                long target;
                synchronized (Member.this) {
                    if (!assigned) {
                        return;
                    }
                    target = position;
                    assigned = false; // the worker stops before the commit, so it cannot move past it
                }
                if (target != committedPos) {
                    try {
                        commit(target);
                        committedPos = target;
                    } catch (KafkaException e) {
                        LOG.warn("Subscription {}: could not commit {} when handing it over: {}", name, target,
                            e.toString());
                    }
                }
                LOG.info("Subscription {}: handed over to another node at sequence {}", name, target);
            }

            @Override
            public void onPartitionsLost(java.util.Collection<TopicPartition> partitions) {
                if (partitions.contains(partition)) {
                    starting = false;
                    synchronized (Member.this) {
                        if (!assigned) {
                            return;
                        }
                        assigned = false;
                    }
                    LOG.warn("Subscription {}: this node lost its partition (no longer in the group's generation)",
                        name);
                }
            }
        }
    }
}
