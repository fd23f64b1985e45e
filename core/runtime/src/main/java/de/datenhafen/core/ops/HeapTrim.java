package de.datenhafen.core.ops;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap that start-up grew back to the operating system once, when the packaged hub is ready
 * ({@code Main} calls it; in-process test hubs do not).
 *
 * <p>Why: starting loads four plugins, Camel and H2 and makes a lot of short-lived garbage, and G1 grows the heap for
 * it (to 70 to 140 MiB here) while what stays alive is about 15 MiB; G1 gives memory back only after a full or
 * concurrent collection whose free share is above {@code MaxHeapFreeRatio} (70 %). So the hub idled with that heap
 * resident. Here the hub first sets the {@code MinHeapFreeRatio} it keeps from then on, 20 % ({@link #lessFreeHeap}),
 * then one full collection runs with the free ratios lowered to 10/20 %, and they are set back to 20/70 %. Ratios set
 * on the command line are left as they are (the collection still runs). The pause is about 50 to 150 ms, once, just
 * after the hub listens.
 *
 * <p>Then the C library's heap: the JIT's compiler arenas peak at 17 to 25 MiB during start-up and are freed, but
 * glibc keeps the pages, so another 20 to 25 MiB stayed resident. The JVM's {@code System.trim_native_heap} command
 * ({@code malloc_trim}; JDK 17.0.9 and later, Linux with glibc) hands them back; where it does not exist, nothing
 * happens. It runs with the start trim, again {@link #AFTER_START_COMPILATIONS} later ({@link
 * #afterStartCompilations}), and in quiet times after that ({@link WhenQuiet}; the JIT goes on compiling under load).
 */
public final class HeapTrim {

    private static final Logger LOG = LoggerFactory.getLogger(HeapTrim.class);

    private HeapTrim() {
    }

    /**
     * {@code MinHeapFreeRatio} the packaged hub runs with after its start trim, unless set on the command line: G1's
     * default 40 % made a concurrent cycle's end under ingest grow the heap to 1.67 times what was in use then, old
     * garbage included, which took it from 355 to its 512 MiB maximum in one step; {@link #lessFreeHeap}.
     */
    static final String RUNNING_MIN_FREE = "20";

    /**
     * When the C heap is trimmed a second time after start. The JVM does not free a compilation's arena chunks when it
     * ends but keeps them in a pool, which it empties every 5 s ({@code ChunkPoolCleaner}): at the hub's ready the
     * pool held 17 to 25 MiB from the start-up's compilations, and the start trim could not return them. The second
     * trim comes after the pool's next emptying. It returned 17 to 21 MiB; with it and {@link NettyArenas} the hub was
     * at 151 to 153 MiB 15 s after the shared benchmark's set-up, where it had stayed at 180 to 183.
     */
    public static final Duration AFTER_START_COMPILATIONS = Duration.ofSeconds(12);

    /**
     * {@link #lessFreeHeap}, then the collection and the C heap's trim; logs the heap before and after. Never throws.
     */
    public static void afterStart() {
        afterStart(System::gc, HeapTrim::trimNativeHeap);
    }

    /**
     * {@link #afterStart()} with the collection and the C heap's trim given (tests). {@link #lessFreeHeap} comes first:
     * the collection sets back the ratio it found, and the C heap's trim after it takes 50 to 80 ms, in which the
     * hub's first requests ran collections. Set after them, G1's 40 % held in that time, and a concurrent cycle's end
     * (the heap is full enough right after the trim to start one at once) grew the heap from 28 to 40 MiB again.
     */
    static void afterStart(Runnable collection, Supplier<String> cHeapTrim) {
        lessFreeHeap();
        trimAndLog("start-up", collection, cHeapTrim);
    }

    /** The C heap's second trim ({@link #AFTER_START_COMPILATIONS}), logged. Never throws. */
    public static void afterStartCompilations() {
        LOG.info("C heap after the start-up's compilations: {}", trimNativeHeap());
    }

    /**
     * Sets {@code MinHeapFreeRatio} to {@value #RUNNING_MIN_FREE} % unless it was given at launch (the later trims set
     * back what they found, so it stays). G1 grows the heap for two reasons: after young collections while collecting
     * takes more than its share of the time ({@code GCTimeRatio}, which {@code bin/datenhafen} sets), and at the end
     * of each concurrent cycle to keep {@code MinHeapFreeRatio} of it free. Under ingest the old generation holds
     * garbage until the mixed collections after such a cycle, so the second reason sized the heap for that garbage:
     * in a GC log at c=64 the heap went from 355 to 504 MiB at one remark with 327 MiB in use, and the mixed
     * collections right after left 158. Measured one hub at a time at full load ({@code bench/jvm-options.sh}, 3
     * rounds each, medians): peak RSS at c=64 609 MiB with G1's 40 %, 478 with 20 %, 505 with 10 %; readings/s and
     * CPU per reading at c=64 the same with 20 % as with 40 % (439,000 against 447,000, 3.49 against 3.42 us), while
     * 10 % cost a tenth (407,000, 3.76 us). False when the JVM refused it.
     */
    static boolean lessFreeHeap() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (vm == null || setAtLaunch(vm, "MinHeapFreeRatio")) {
                return false;
            }
            vm.setVMOption("MinHeapFreeRatio", RUNNING_MIN_FREE);
            return true;
        } catch (RuntimeException e) { // a MaxHeapFreeRatio below it, given at launch
            LOG.debug("MinHeapFreeRatio left as it is: {}", e.toString());
            return false;
        }
    }

    /**
     * {@link #collectAndShrink} and the C heap's trim, logged as "Heap after {@code when}: ..."; the heap committed
     * after it, or -1 when the collection could not run.
     */
    private static long trimAndLog(String when) {
        return trimAndLog(when, System::gc, HeapTrim::trimNativeHeap);
    }

    private static long trimAndLog(String when, Runnable collection, Supplier<String> cHeapTrim) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = memory.getHeapMemoryUsage().getCommitted();
        long t0 = System.nanoTime();
        if (!collectAndShrink(collection)) {
            return -1;
        }
        long after = memory.getHeapMemoryUsage().getCommitted();
        LOG.info("Heap after {}: {} MiB committed, {} MiB after one full collection ({} ms); {}", when, before >> 20,
            after >> 20, (System.nanoTime() - t0) / 1_000_000, cHeapTrim.get());
        return after;
    }

    /**
     * One full collection ({@code collection}: {@code System.gc} but in tests, which see the ratios it runs under)
     * with the free ratios lowered unless set on the command line; false if it failed.
     */
    static boolean collectAndShrink(Runnable collection) {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            boolean ours = vm != null && !setAtLaunch(vm, "MinHeapFreeRatio") && !setAtLaunch(vm, "MaxHeapFreeRatio");
            String min = ours ? vm.getVMOption("MinHeapFreeRatio").getValue() : null;
            String max = ours ? vm.getVMOption("MaxHeapFreeRatio").getValue() : null;
            if (ours) {
                vm.setVMOption("MinHeapFreeRatio", "10"); // min before max: the JVM keeps min <= max at every step
                vm.setVMOption("MaxHeapFreeRatio", "20");
            }
            try {
                collection.run();
            } finally {
                if (ours) {
                    vm.setVMOption("MaxHeapFreeRatio", max);
                    vm.setVMOption("MinHeapFreeRatio", min);
                }
            }
            return true;
        } catch (RuntimeException e) {
            LOG.debug("Heap trim skipped: {}", e.toString());
            return false;
        }
    }

    /**
     * Gives the heap back once the hub is quiet again after a load. G1 grows the heap under load (ingest at full
     * speed, a registry import of thousands of rows) and keeps it committed afterwards: it shrinks only at a full
     * collection or a concurrent cycle's end, and then only down to {@code MaxHeapFreeRatio} (70 % free), which a
     * quiet hub does not reach. So the hub stayed at its peak (up to {@code -Xmx} and the rest) for as long as it
     * ran. {@link #check}, called every {@link #CHECK}: once no collection has run for {@link #QUIET} (the hub
     * allocated less than its young generation meanwhile) and the committed heap is more than twice what it was after
     * the last trim and 32 MiB more, one collection as after start gives it back; otherwise the C heap is trimmed
     * (what the JIT freed meanwhile; a few milliseconds). Either at most once per {@link #QUIET}; the heap is not
     * trimmed again until it has grown again. The pause (50 to 150 ms with the shipped plugins) falls in a quiet
     * time. Packaged hub only ({@code Main}); in-process test hubs share their JVM.
     *
     * <p>Checked once a minute before, with "quiet" meaning a minute without a collection: the minute in which a
     * registry import ran was not quiet, so its 30 to 40 MiB of heap stayed until the second minute after it (the
     * hub idled at 177 to 198 MiB 75 s after the shared benchmark's set-up of its plugin door).
     */
    public static final class WhenQuiet {
        /** How often {@link #check} runs. */
        public static final Duration CHECK = Duration.ofSeconds(10);
        /** How long without a collection counts as quiet, and the least time between two trims. */
        static final Duration QUIET = Duration.ofSeconds(30);
        /** What the heap must have grown by since the last trim for a quiet one to collect: 16 MiB, and a quarter. */
        private static final long MARGIN = 16L << 20;

        /** What a check does. */
        enum Trim { NONE, C_HEAP, HEAP }

        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private long baseline;
        private long collections;
        /** {@link System#nanoTime} of the last check that saw a collection, or of the start. */
        private long lastActivity;
        /** {@link System#nanoTime} of the last trim, or of the start (which trimmed). */
        private long lastTrim;

        /** Starts from the heap as it is now (after {@link #afterStart}). */
        public WhenQuiet() {
            this(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(), collections(),
                System.nanoTime());
        }

        WhenQuiet(long committed, long collections, long nanos) {
            this.baseline = committed;
            this.collections = collections;
            this.lastActivity = nanos;
            this.lastTrim = nanos;
        }

        /** Trims the heap or the C heap if the hub has been quiet for a while; never throws. */
        public void check() {
            switch (next(System.nanoTime(), collections(), memory.getHeapMemoryUsage().getCommitted())) {
                case C_HEAP -> LOG.debug("C heap in a quiet time: {}", trimNativeHeap());
                case HEAP -> {
                    long after = trimAndLog("a quiet time");
                    if (after >= 0) {
                        baseline = after;
                    }
                    collections = collections(); // the trim's own collection is not load
                }
                case NONE -> { }
            }
        }

        /** What the check at {@code nanos} does, given the collections so far and the committed heap. */
        Trim next(long nanos, long collectionsNow, long committed) {
            if (collectionsNow != collections) {
                collections = collectionsNow;
                lastActivity = nanos;
                return Trim.NONE;
            }
            if (nanos - lastActivity < QUIET.toNanos() || nanos - lastTrim < QUIET.toNanos()) {
                return Trim.NONE;
            }
            lastTrim = nanos;
            return grewEnough(committed, baseline) ? Trim.HEAP : Trim.C_HEAP;
        }

        /**
         * Whether a quiet hub's heap has grown enough since the last trim to give it back: by 16 MiB (what a registry
         * import of a few thousand devices leaves, 20 to 30 MiB over the start trim's heap, is worth a collection of
         * 20 to 50 ms on a quiet hub) and by a quarter (a large heap's full collection costs more, so it waits for more).
         */
        static boolean grewEnough(long committed, long baseline) {
            return committed > baseline + MARGIN && committed > baseline + baseline / 4;
        }

        /** Collections of every collector since the JVM started. */
        static long collections() {
            long n = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                n += Math.max(0, gc.getCollectionCount());
            }
            return n;
        }
    }

    /** The JVM's answer to {@code System.trim_native_heap}, or why it was not asked. */
    public static String trimNativeHeap() {
        try {
            Object answer = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return String.valueOf(answer).trim();
        } catch (JMException | RuntimeException e) {
            return "native heap not trimmed (" + e.getClass().getSimpleName() + ")";
        }
    }

    /**
     * Whether the option was given when the JVM started (command line, {@code JAVA_TOOL_OPTIONS}, a flags file): then
     * it is left as it is. Not whether it is at its default: after the first trim set it back through the management
     * interface, its origin is {@code MANAGEMENT}, and a test for {@code DEFAULT} made every later trim keep G1's 70 %
     * free (a quiet trim after a load left 244 MiB committed with 71 MiB alive).
     */
    private static boolean setAtLaunch(HotSpotDiagnosticMXBean vm, String option) {
        com.sun.management.VMOption.Origin origin = vm.getVMOption(option).getOrigin();
        return origin == com.sun.management.VMOption.Origin.VM_CREATION
            || origin == com.sun.management.VMOption.Origin.ENVIRON_VAR
            || origin == com.sun.management.VMOption.Origin.CONFIG_FILE;
    }
}
