package de.datenhafen.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import de.datenhafen.core.ops.HeapTrim.WhenQuiet.Trim;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapTrimTest {

    private static final long MIB = 1L << 20;

    @Test
    void aQuietHubWhoseHeapGrewSinceTheLastTrimGivesItBack() {
        assertThat(HeapTrim.WhenQuiet.grewEnough(512 * MIB, 40 * MIB)).isTrue();
        // the shared benchmark's registry import of 2,500 devices: 28 MiB after the start trim, 53 a minute later
        assertThat(HeapTrim.WhenQuiet.grewEnough(53 * MIB, 28 * MIB)).isTrue();
        assertThat(HeapTrim.WhenQuiet.grewEnough(376 * MIB, 300 * MIB)).isTrue();
    }

    @Test
    void aHeapThatGrewLittleIsNotWorthAPause() {
        assertThat(HeapTrim.WhenQuiet.grewEnough(44 * MIB, 28 * MIB)).isFalse(); // not more than 16 MiB
        assertThat(HeapTrim.WhenQuiet.grewEnough(375 * MIB, 300 * MIB)).isFalse(); // not more than a quarter
        assertThat(HeapTrim.WhenQuiet.grewEnough(40 * MIB, 40 * MIB)).isFalse();
    }

    @Test
    void everyTrimRunsWithTheFreeRatiosLoweredAndSetsThemBackAfter() {
        HotSpotDiagnosticMXBean vm = vm();
        String before = vm.getVMOption("MaxHeapFreeRatio").getValue();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // the first trim at start, then the quiet ones
            assertThat(HeapTrim.collectAndShrink(() -> seen.add(vm.getVMOption("MinHeapFreeRatio").getValue() + "/"
                + vm.getVMOption("MaxHeapFreeRatio").getValue()))).isTrue();
        }
        assertThat(seen).containsExactly("10/20", "10/20", "10/20");
        assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(before);
    }

    @Test
    void afterTheStartTheHeapKeepsAFifthFreeAndLaterTrimsKeepThat() {
        HotSpotDiagnosticMXBean vm = vm();
        String before = vm.getVMOption("MinHeapFreeRatio").getValue();
        try {
            assertThat(HeapTrim.lessFreeHeap()).isTrue(); // surefire's JVM is started without the option
            assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(HeapTrim.RUNNING_MIN_FREE);
            assertThat(HeapTrim.collectAndShrink(() -> { })).isTrue(); // a quiet trim later
            assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(HeapTrim.RUNNING_MIN_FREE);
        } finally {
            vm.setVMOption("MinHeapFreeRatio", before);
        }
    }

    @Test
    void theStartTrimKeepsAFifthFreeFromItsCollectionOnNotFromAfterTheCHeapsTrim() {
        HotSpotDiagnosticMXBean vm = vm();
        String before = vm.getVMOption("MinHeapFreeRatio").getValue();
        List<String> seen = new ArrayList<>();
        try {
            HeapTrim.afterStart(() -> seen.add("collection at " + vm.getVMOption("MinHeapFreeRatio").getValue()),
                () -> {
                    // the C heap's trim takes tens of milliseconds, and collections run meanwhile
                    seen.add("C heap trim at " + vm.getVMOption("MinHeapFreeRatio").getValue());
                    return "trimmed";
                });
            assertThat(seen).containsExactly("collection at 10", "C heap trim at " + HeapTrim.RUNNING_MIN_FREE);
        } finally {
            vm.setVMOption("MinHeapFreeRatio", before);
        }
    }

    @Test
    void theCHeapIsTrimmedByTheJvmsOwnCommandWhereItHasOne() {
        // System.trim_native_heap: JDK 17.0.9 and later, on Linux (glibc); elsewhere the hub says why it did not trim
        assumeTrue(Runtime.version().compareTo(Runtime.Version.parse("17.0.9")) >= 0
            && System.getProperty("os.name").equals("Linux"));
        assertThat(HeapTrim.trimNativeHeap()).startsWith("Trim native heap: RSS+Swap: ");
    }

    @Test
    void afterALoadTheHeapIsGivenBackOnceNoCollectionRanForThirtySeconds() {
        HeapTrim.WhenQuiet watch = new HeapTrim.WhenQuiet(30 * MIB, 100, 0);
        // an import at 3 s: collections at the checks of 10 s and 20 s, the heap grown to 70 MiB
        assertThat(watch.next(seconds(10), 110, 70 * MIB)).isEqualTo(Trim.NONE);
        assertThat(watch.next(seconds(20), 115, 70 * MIB)).isEqualTo(Trim.NONE);
        assertThat(watch.next(seconds(30), 115, 70 * MIB)).isEqualTo(Trim.NONE);
        assertThat(watch.next(seconds(40), 115, 70 * MIB)).isEqualTo(Trim.NONE);
        assertThat(watch.next(seconds(50), 115, 70 * MIB)).isEqualTo(Trim.HEAP); // 30 s after the last collection
    }

    @Test
    void aHubUnderLoadIsNeverTrimmedAndAQuietOneAtMostEveryThirtySeconds() {
        HeapTrim.WhenQuiet watch = new HeapTrim.WhenQuiet(30 * MIB, 100, 0);
        for (int t = 10; t <= 300; t += 10) { // a collection between every two checks
            assertThat(watch.next(seconds(t), 100 + t, 500 * MIB)).as("at %d s", t).isEqualTo(Trim.NONE);
        }
        assertThat(watch.next(seconds(310), 400, 500 * MIB)).isEqualTo(Trim.NONE);
        assertThat(watch.next(seconds(330), 400, 500 * MIB)).isEqualTo(Trim.HEAP);
        // quiet on: nothing at the next checks, and 30 s later the same answer (this test trims nothing)
        assertThat(watch.next(seconds(340), 400, 500 * MIB)).isEqualTo(Trim.NONE);
        assertThat(watch.next(seconds(350), 400, 500 * MIB)).isEqualTo(Trim.NONE);
        assertThat(watch.next(seconds(360), 400, 500 * MIB)).isEqualTo(Trim.HEAP); // the 30 MiB baseline is unchanged
    }

    @Test
    void aQuietHubWhoseHeapDidNotGrowOnlyTrimsItsCHeapAndNotRightAfterTheStart() {
        HeapTrim.WhenQuiet watch = new HeapTrim.WhenQuiet(30 * MIB, 100, 0);
        assertThat(watch.next(seconds(10), 100, 40 * MIB)).isEqualTo(Trim.NONE);
        assertThat(watch.next(seconds(20), 100, 40 * MIB)).isEqualTo(Trim.NONE);
        assertThat(watch.next(seconds(30), 100, 40 * MIB)).isEqualTo(Trim.C_HEAP);
        assertThat(watch.next(seconds(40), 100, 40 * MIB)).isEqualTo(Trim.NONE);
        assertThat(watch.next(seconds(60), 100, 40 * MIB)).isEqualTo(Trim.C_HEAP);
    }

    @Test
    void aCheckRightAfterTheStartTrimsNothing() {
        HeapTrim.WhenQuiet watch = new HeapTrim.WhenQuiet();
        long collections = HeapTrim.WhenQuiet.collections();
        watch.check(); // the heap is where the watch started: no full collection
        assertThat(HeapTrim.WhenQuiet.collections() - collections).isLessThanOrEqualTo(1); // at most a young one
    }

    private static HotSpotDiagnosticMXBean vm() {
        return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    }

    private static long seconds(int s) {
        return s * 1_000_000_000L;
    }
}
