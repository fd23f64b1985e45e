package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupKeysTest {

    @Test
    void eventsWhoseKeyHashesCollideAreToldApartBySourceAndId() {
        // every hash the same: only comparing source and id can find the repeats
        List<NewEvent> events = List.of(
            event("urn:a", "1"), event("urn:b", "1"), event("urn:a", "2"), event("urn:a", "1"), event("urn:b", "1"),
            event("urn:a", "3"));
        GroupCommitLog.GroupKeys keys = new GroupCommitLog.GroupKeys(new long[events.size()]);

        int[] twins = new int[events.size()];
        for (int i = 0; i < events.size(); i++) {
            twins[i] = keys.findOrAdd(i, events.get(i));
        }

        assertThat(twins).containsExactly(-1, -1, -1, 0, 1, -1);
    }

    @Test
    void aGroupOfThousandsWithRealHashesFindsEachRepeatOnce() {
        int n = 3000;
        long[] hashes = new long[n];
        NewEvent[] events = new NewEvent[n];
        for (int i = 0; i < n; i++) {
            int j = i < 2700 ? i : i - 2700; // the last 300 repeat events 0 to 299
            String source = "/sensors/co2-s" + (j % 2500);
            String id = "r-" + j;
            events[i] = event(source, id);
            hashes[i] = EventRows.keyHash(source, id);
        }
        GroupCommitLog.GroupKeys keys = new GroupCommitLog.GroupKeys(hashes);

        int repeats = 0;
        for (int i = 0; i < n; i++) {
            int twin = keys.findOrAdd(i, events[i]);
            if (twin >= 0) {
                repeats++;
                assertThat(twin).isEqualTo(i - 2700);
            }
        }
        assertThat(repeats).isEqualTo(300);
    }

    private static NewEvent event(String source, String id) {
        return new NewEvent(BusFixtures.event(source, id, BusFixtures.READING, null), "airsense");
    }
}
