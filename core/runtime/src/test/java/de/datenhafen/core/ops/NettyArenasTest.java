package de.datenhafen.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NettyArenasTest {

    @Test
    void oneArenaServesTwoEventLoops() {
        assertThat(NettyArenas.forEventLoops(1)).isEqualTo(1);
        assertThat(NettyArenas.forEventLoops(2)).isEqualTo(1);
        assertThat(NettyArenas.forEventLoops(3)).isEqualTo(1);
        assertThat(NettyArenas.forEventLoops(8)).isEqualTo(4);
    }

    @Test
    void setsTheCountOnlyWhereNoneIsGiven() {
        String before = System.getProperty(NettyArenas.PROPERTY);
        try {
            System.clearProperty(NettyArenas.PROPERTY);
            assertThat(NettyArenas.limit(4)).isEqualTo("2");
            assertThat(System.getProperty(NettyArenas.PROPERTY)).isEqualTo("2");

            System.setProperty(NettyArenas.PROPERTY, "6"); // an admin's -D in DATENHAFEN_JAVA_OPTS
            assertThat(NettyArenas.limit(2)).isEqualTo("6");
            assertThat(System.getProperty(NettyArenas.PROPERTY)).isEqualTo("6");
        } finally {
            if (before == null) {
                System.clearProperty(NettyArenas.PROPERTY);
            } else {
                System.setProperty(NettyArenas.PROPERTY, before);
            }
        }
    }

    @Test
    void theLogSaysHowAChunkIsTaken() {
        assertThat(NettyArenas.describe("1", true))
            .isEqualTo("1 pooled direct arena, chunks from the C heap, resident as used");
        assertThat(NettyArenas.describe("2", false)).startsWith("2 pooled direct arenas, chunks zeroed by the JDK");
    }
}
