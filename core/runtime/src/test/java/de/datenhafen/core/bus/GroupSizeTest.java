package de.datenhafen.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A group commit is bounded by its events and by their bytes; a single larger append still goes alone. */
class GroupSizeTest {

    @Test
    void anAppendJoinsAGroupOnlyWithinBothTheEventsAndTheBytes() {
        long max = GroupCommitLog.MAX_GROUP_BYTES;
        assertThat(GroupCommitLog.joins(100, 1_000, 100, 1_000, 10_000)).isTrue();
        assertThat(GroupCommitLog.joins(9_950, 1_000, 100, 1_000, 10_000)).as("events").isFalse();
        // 500 events of 10 KB: two such batches are 10 MB, past the 8 MiB of one group
        assertThat(GroupCommitLog.joins(500, 5_100_000, 500, 5_100_000, 10_000)).as("bytes").isFalse();
        assertThat(GroupCommitLog.joins(0, 0, 1, max, 10_000)).isTrue();
        assertThat(GroupCommitLog.joins(1, 1, 1, max, 10_000)).isFalse();
    }

    @Test
    void aBatchesBytesAreItsDataAndAFewHundredPerEvent() {
        NewEvent small = new NewEvent(CloudEventBuilder.v1().withId("1").withSource(URI.create("/s"))
            .withType("t").withData("application/json", new byte[10_000]).build(), "hub");
        NewEvent none = new NewEvent(CloudEventBuilder.v1().withId("2").withSource(URI.create("/s"))
            .withType("t").build(), "hub");

        assertThat(GroupCommitLog.bytesOf(List.of(small, none))).isEqualTo(10_000 + 200 + 200);
    }
}
