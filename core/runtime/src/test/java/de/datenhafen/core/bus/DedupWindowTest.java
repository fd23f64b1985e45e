package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DedupWindowTest {

    @Test
    void remembersKeysWithinTheWindowAndForgetsOlderOnes() {
        DedupWindow w = new DedupWindow(1_000, 100);
        w.add(11, 1, 0);
        w.add(22, 2, 500);

        w.add(33, 3, 1_200);

        assertThat(w.get(11)).isEqualTo(-1);
        assertThat(w.get(22)).isEqualTo(2);
        assertThat(w.get(33)).isEqualTo(3);
        assertThat(w.size()).isEqualTo(2);
    }

    @Test
    void aKeyHeardTwiceWithTheSameSequenceCountsOnceAgainstTheMaximum() {
        DedupWindow w = new DedupWindow(Long.MAX_VALUE / 2, 2);
        assertThat(w.addIfNew(7, 1, 0)).isTrue();
        assertThat(w.addIfNew(7, 1, 0)).isFalse(); // Kafka's acknowledgement and the follower both tell
        assertThat(w.addIfNew(14, 2, 0)).isTrue();

        assertThat(w.size()).isEqualTo(2);
        assertThat(w.get(7)).isEqualTo(1);
        assertThat(w.addIfNew(7, 3, 0)).isTrue(); // stored again (by another node): the newer sequence
        assertThat(w.get(7)).isEqualTo(3);
        assertThat(w.get(14)).isEqualTo(2);
    }

    @Test
    void keepsAtMostMaxKeysDroppingTheOldest() {
        DedupWindow w = new DedupWindow(Long.MAX_VALUE / 2, 3);
        for (long i = 1; i <= 5; i++) {
            w.add(i * 7, i, 0);
        }

        assertThat(w.size()).isEqualTo(3);
        assertThat(w.get(7)).isEqualTo(-1);
        assertThat(w.get(14)).isEqualTo(-1);
        assertThat(w.get(21)).isEqualTo(3);
        assertThat(w.get(35)).isEqualTo(5);
    }

    @Test
    void agreesWithAPlainMapOverManyAddsAndEvictions() {
        DedupWindow w = new DedupWindow(Long.MAX_VALUE / 2, 5_000);
        Map<Long, Long> reference = new HashMap<>();
        ArrayDeque<Long> order = new ArrayDeque<>();
        Random r = new Random(42);
        for (long seq = 1; seq <= 100_000; seq++) {
            long hash = r.nextInt(50_000) - 25_000L; // collisions and 0 included on purpose
            w.add(hash, seq, 0);
            reference.put(hash, seq);
            order.add(hash);
            if (order.size() > 5_000) {
                long gone = order.poll();
                if (!order.contains(gone)) {
                    reference.remove(gone);
                }
            }
        }
        for (long hash = -25_000; hash < 25_000; hash++) {
            assertThat(w.get(hash)).as("hash %d", hash).isEqualTo(reference.getOrDefault(hash, -1L));
        }
    }

    @Test
    void addingAGroupAtOnceLeavesTheSameWindowAsAddingItsEventsOneByOne() {
        DedupWindow one = new DedupWindow(1_000, 3_000);
        DedupWindow all = new DedupWindow(1_000, 3_000);
        Random r = new Random(17);
        long seq = 1;
        long now = 0;
        for (int group = 0; group < 300; group++) {
            int n = group % 50 == 0 ? 4_000 : r.nextInt(200); // now and then more than the window holds
            long[] hashes = new long[n + 3];
            long[] seqs = new long[n + 3];
            for (int i = 0; i < n; i++) {
                hashes[i] = r.nextInt(20_000) - 10_000L; // collisions and 0 included on purpose
                seqs[i] = seq++;
                one.add(hashes[i], seqs[i], now);
            }
            all.addAll(hashes, seqs, n, now); // the 3 slots beyond n are not part of the group
            now += r.nextInt(60); // sometimes a whole window later
            assertThat(all.size()).isEqualTo(one.size());
        }
        for (long hash = -10_000; hash < 10_000; hash++) {
            assertThat(all.get(hash)).as("hash %d", hash).isEqualTo(one.get(hash));
        }
    }
}
