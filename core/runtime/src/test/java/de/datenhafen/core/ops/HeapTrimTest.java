package de.datenhafen.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class HeapTrimTest {

    private static final long MIB = 1L << 20;

    @Test
    void aQuietHubWhoseHeapGrewFarSinceTheLastTrimGivesItBack() {
        assertThat(HeapTrim.WhenQuiet.shouldTrim(true, 512 * MIB, 40 * MIB)).isTrue();
        assertThat(HeapTrim.WhenQuiet.shouldTrim(true, 81 * MIB, 40 * MIB)).isTrue();
    }

    @Test
    void aHubUnderLoadKeepsItsHeap() {
        // a collection ran since the last check: the hub is working, its heap is G1's business
        assertThat(HeapTrim.WhenQuiet.shouldTrim(false, 512 * MIB, 40 * MIB)).isFalse();
    }

    @Test
    void aHeapThatGrewLittleIsNotWorthAPause() {
        assertThat(HeapTrim.WhenQuiet.shouldTrim(true, 80 * MIB, 40 * MIB)).isFalse(); // not more than twice
        assertThat(HeapTrim.WhenQuiet.shouldTrim(true, 50 * MIB, 20 * MIB)).isFalse(); // not 32 MiB more
        assertThat(HeapTrim.WhenQuiet.shouldTrim(true, 40 * MIB, 40 * MIB)).isFalse();
    }

    @Test
    void everyTrimRunsWithTheFreeRatiosLoweredAndSetsThemBackAfter() {
        com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
            .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        String before = vm.getVMOption("MaxHeapFreeRatio").getValue();
        java.util.List<String> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) { // the first trim at start, then the quiet ones
            assertThat(HeapTrim.collectAndShrink(() -> seen.add(vm.getVMOption("MinHeapFreeRatio").getValue() + "/"
                + vm.getVMOption("MaxHeapFreeRatio").getValue()))).isTrue();
        }
        assertThat(seen).containsExactly("10/20", "10/20", "10/20");
        assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(before);
    }

    @Test
    void afterTheStartTheHeapKeepsAFifthFreeAndLaterTrimsKeepThat() {
        com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
            .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
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
    void theCHeapIsTrimmedByTheJvmsOwnCommandWhereItHasOne() {
        // System.trim_native_heap: JDK 17.0.9 and later, on Linux (glibc); elsewhere the hub says why it did not trim
        assumeTrue(Runtime.version().compareTo(Runtime.Version.parse("17.0.9")) >= 0
            && System.getProperty("os.name").equals("Linux"));
        assertThat(HeapTrim.trimNativeHeap()).startsWith("Trim native heap: RSS+Swap: ");
    }

    @Test
    void aCheckRightAfterTheStartTrimsNothing() {
        HeapTrim.WhenQuiet watch = new HeapTrim.WhenQuiet();
        long collections = HeapTrim.WhenQuiet.collections();
        watch.check(); // the heap is where the watch started: no full collection
        assertThat(HeapTrim.WhenQuiet.collections() - collections).isLessThanOrEqualTo(1); // at most a young one
    }
}
