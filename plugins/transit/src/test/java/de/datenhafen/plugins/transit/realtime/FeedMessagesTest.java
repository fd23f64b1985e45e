package de.datenhafen.plugins.transit.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import org.junit.jupiter.api.Test;

/** Feed messages from outside are counted before they are built and refused past their limits. */
class FeedMessagesTest {

    private static byte[] message(int entities) {
        FeedMessage.Builder b = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder()
            .setGtfsRealtimeVersion("2.0"));
        for (int i = 0; i < entities; i++) {
            b.addEntity(FeedEntity.newBuilder().setId("e" + i));
        }
        return b.build().toByteArray();
    }

    @Test
    void aMessageWithinItsLimitsIsParsed() throws InvalidProtocolBufferException {
        assertThat(FeedMessages.parse(message(3), 1000, 3).getEntityCount()).isEqualTo(3);
    }

    @Test
    void moreEntitiesThanTheLimitAreRefusedBeforeTheMessageIsBuilt() {
        assertThatThrownBy(() -> FeedMessages.parse(message(4), 1000, 3)).isInstanceOf(FeedMessages.TooLarge.class)
            .hasMessage("the message has more than 3 entities (max-entities)");
    }

    @Test
    void moreBytesThanTheLimitAreRefused() {
        byte[] m = message(3);
        assertThatThrownBy(() -> FeedMessages.parse(m, m.length - 1, 10))
            .hasMessage("the message is " + m.length + " bytes; at most " + (m.length - 1) + " (max-message-mb)");
    }

    @Test
    void bytesThatAreNoFeedMessageAreAProtocolBufferError() {
        assertThatThrownBy(() -> FeedMessages.parse("{\"not\":\"protobuf\"}".getBytes(), 1000, 10))
            .isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> FeedMessages.parse(new byte[] {0x12, 0x05, 0x0a}, 1000, 10))
            .isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> FeedMessages.parse(new byte[0], 1000, 10))
            .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("header");
    }
}
