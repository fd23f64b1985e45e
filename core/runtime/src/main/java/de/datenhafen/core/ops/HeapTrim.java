package de.datenhafen.core.ops;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
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
 * resident. Here one full collection runs with the free ratios lowered to 10/20 %, then they are set back, so the
 * heap's sizing under load stays the JVM's own. Ratios set on the command line are left as they are (the collection
 * still runs). The pause is about 50 to 150 ms, once, just after the hub listens.
 *
 * <p>Then the C library's heap: the JIT's compiler arenas peak at about 30 MiB during start-up and are freed, but
 * glibc keeps the pages, so another 20 to 25 MiB stayed resident. The JVM's {@code System.trim_native_heap} command
 * ({@code malloc_trim}; JDK 17.0.9 and later, Linux with glibc) hands them back; where it does not exist, nothing
 * happens. The hub also runs it once a minute (the JIT goes on compiling after start, and under load).
 */
public final class HeapTrim {

    private static final Logger LOG = LoggerFactory.getLogger(HeapTrim.class);

    private HeapTrim() {
    }

    /** Runs the collection; logs the committed heap before and after. Never throws. */
    public static void afterStart() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = memory.getHeapMemoryUsage().getCommitted();
        long t0 = System.nanoTime();
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            boolean ours = vm != null && isDefault(vm, "MinHeapFreeRatio") && isDefault(vm, "MaxHeapFreeRatio");
            String min = ours ? vm.getVMOption("MinHeapFreeRatio").getValue() : null;
            String max = ours ? vm.getVMOption("MaxHeapFreeRatio").getValue() : null;
            if (ours) {
                vm.setVMOption("MinHeapFreeRatio", "10"); // min before max: the JVM keeps min <= max at every step
                vm.setVMOption("MaxHeapFreeRatio", "20");
            }
            try {
                System.gc();
            } finally {
                if (ours) {
                    vm.setVMOption("MaxHeapFreeRatio", max);
                    vm.setVMOption("MinHeapFreeRatio", min);
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Heap trim after start skipped: {}", e.toString());
            return;
        }
        LOG.info("Heap after start-up: {} MiB committed, {} MiB after one full collection ({} ms); {}", before >> 20,
            memory.getHeapMemoryUsage().getCommitted() >> 20, (System.nanoTime() - t0) / 1_000_000, trimNativeHeap());
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

    private static boolean isDefault(HotSpotDiagnosticMXBean vm, String option) {
        return vm.getVMOption(option).getOrigin() == com.sun.management.VMOption.Origin.DEFAULT;
    }
}
