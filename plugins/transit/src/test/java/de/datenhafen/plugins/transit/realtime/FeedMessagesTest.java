package de.datenhafen.plugins.transit.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import java.io.ByteArrayOutputStream;
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

    /** A message of only the entity {@code id}, a trip update of {@code stops} empty stop time updates. */
    private static byte[] tripUpdate(String id, int stops) {
        TripUpdate.Builder u = TripUpdate.newBuilder().setTrip(TripDescriptor.newBuilder().setTripId("t-" + id));
        for (int i = 0; i < stops; i++) {
            u.addStopTimeUpdate(TripUpdate.StopTimeUpdate.getDefaultInstance());
        }
        return FeedMessage.newBuilder().buildPartial().toBuilder()
            .addEntity(FeedEntity.newBuilder().setId(id).setTripUpdate(u)).buildPartial().toByteArray();
    }

    @Test
    void aTripUpdateOfAsManyStopsAsALongTripIsParsed() throws InvalidProtocolBufferException {
        byte[] m = concat(message(0), tripUpdate("long", 300));

        assertThat(FeedMessages.parse(m, m.length, 1).getEntity(0).getTripUpdate().getStopTimeUpdateCount())
            .isEqualTo(300);
    }

    @Test
    void moreStopTimeUpdatesInOneTripUpdateThanTheBoundAreRefusedBeforeTheMessageIsBuilt() {
        // the probe's message in small: one entity, empty stop_time_updates of 2 bytes each
        byte[] m = concat(message(0), tripUpdate("bomb", FeedMessages.MAX_REPEATED + 1));

        assertThatThrownBy(() -> FeedMessages.parse(m, m.length, 1)).isInstanceOf(FeedMessages.TooLarge.class)
            .hasMessage("a TripUpdate has more than 1000 stop_time_update (at most 1000 of a repeated field in one "
                + "message)");
    }

    @Test
    void moreNestedMessagesThanTheBoundOverAllEntitiesAreRefusedBeforeTheMessageIsBuilt() {
        // 1,002 entities of 999 stop time updates each: every trip update within its bound, the message past it
        byte[] entity = tripUpdate("e", 999);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(message(0));
        for (int i = 0; i < 1_002; i++) {
            out.writeBytes(entity);
        }
        byte[] m = out.toByteArray();

        assertThatThrownBy(() -> FeedMessages.parse(m, m.length, 50_000)).isInstanceOf(FeedMessages.TooLarge.class)
            .hasMessage("the message has more than 1000000 nested messages, texts and unknown fields (at most "
                + "1000000 in one message)");
    }

    @Test
    void unknownFieldsCountTowardsTheBoundAsTheyAreKept() {
        // field 99 of FeedMessage is none of GTFS-Realtime's: protobuf keeps each such field as an object
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(message(0));
        for (int i = 0; i <= FeedMessages.MAX_ELEMENTS; i++) {
            out.write(0x98);
            out.write(0x06);
            out.write(0x00);
        }
        byte[] m = out.toByteArray();

        assertThatThrownBy(() -> FeedMessages.parse(m, m.length, 10)).isInstanceOf(FeedMessages.TooLarge.class)
            .hasMessageStartingWith("the message has more than 1000000 nested messages");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
