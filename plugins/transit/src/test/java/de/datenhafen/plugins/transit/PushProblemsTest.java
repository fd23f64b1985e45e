package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import de.datenhafen.plugins.transit.realtime.FeedMessages;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A pushed message protobuf cannot read is refused in words for its sender, not protobuf's, which name its classes
 * ("CodedInputStream encountered an embedded string or message which claimed to have negative size", an attacker's
 * probe found in an answer).
 */
class PushProblemsTest {

    private static String said(byte[] body) {
        InvalidProtocolBufferException e = catchThrowableOfType(() -> FeedMessages.parse(body, 1 << 20, 1000),
            InvalidProtocolBufferException.class);
        assertThat(e).as("protobuf refuses it").isNotNull();
        return GtfsRealtimeConnector.protobufProblem(e.getMessage());
    }

    @Test
    void protobufsOwnWordsAreSaidWithoutItsClasses() {
        byte[] negative = {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        byte[] cut = {0x0A, 0x05, 0x01};
        byte[] zeroTag = {0x00};
        byte[] json = "{\"not\":\"protobuf\"}".getBytes(StandardCharsets.US_ASCII);

        assertThat(said(negative)).isEqualTo("a field claims a negative size");
        assertThat(said(cut)).isEqualTo("it ends in the middle of a field");
        assertThat(said(zeroTag)).isEqualTo("it holds a field that is not well-formed");
        for (byte[] body : new byte[][] {negative, cut, zeroTag, json}) {
            assertThat(said(body)).doesNotContain("CodedInputStream", "Protocol message", "Exception", "com.google");
        }
        assertThat(GtfsRealtimeConnector.protobufProblem("the message nests deeper than 100 levels"))
            .isEqualTo("the message nests deeper than 100 levels");
    }
}
