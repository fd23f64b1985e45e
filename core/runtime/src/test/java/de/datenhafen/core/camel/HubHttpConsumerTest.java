package de.datenhafen.core.camel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HubHttpConsumerTest {

    @Test
    void theBodysFirstBufferFollowsContentLengthButNeverPastSixteenKibibytes() {
        assertThat(HubHttpConsumer.initialSize("9370")).isEqualTo(9_370);
        assertThat(HubHttpConsumer.initialSize("16385")).isEqualTo(16 * 1024);
        assertThat(HubHttpConsumer.initialSize(" 0 ")).isZero();
        // the header is the client's word: a huge or negative one must not make the hub set memory aside
        assertThat(HubHttpConsumer.initialSize("9223372036854775807")).isEqualTo(16 * 1024);
        assertThat(HubHttpConsumer.initialSize("-5")).isZero();
        assertThat(HubHttpConsumer.initialSize("99999999999999999999")).isEqualTo(256);
        assertThat(HubHttpConsumer.initialSize(null)).isEqualTo(256);
    }
}
