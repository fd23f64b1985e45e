package de.datenhafen.core.ops;

import io.netty.util.internal.PlatformDependent;

/**
 * How many pooled direct-memory arenas Netty keeps under Vert.x: one for every two HTTP event loops, unless {@value
 * #PROPERTY} is set. Netty's default is two per processor; each thread that allocates is given the arena fewest
 * threads use, and an arena's first allocation takes a 4 MiB chunk of C heap. The hub's two HTTP loops, its other
 * Vert.x contexts and the acceptor so held three or four arenas, 11.8 MiB of what native memory tracking calls
 * "Other" at idle. Measured on two cores (issue 17): with one arena the idle hub was 11 to 17 MiB smaller right after
 * the shared benchmark's set-up ({@code bench/idle-memory.sh}, 3 rounds), at the same speed under the benchmark's full
 * load ({@code bench/jvm-options.sh}, 3 rounds, medians: 409,840 / 475,900 readings/s at c=16 / c=64 against 393,770
 * / 486,550 with Netty's default). Netty's threads keep caches of their own, so two loops rarely meet at the arena's
 * lock. Packaged hub only ({@code Main}, before Vert.x starts: Netty reads the property once).
 *
 * <p>How an arena's chunk comes to memory is the launcher's choice ({@code bin/datenhafen}): through the JDK's {@code
 * ByteBuffer.allocateDirect} every chunk is zeroed, so all of its 4 MiB are resident from its first small buffer on;
 * given the JDK's {@code DirectByteBuffer} constructor ({@code -Dio.netty.tryReflectionSetAccessible=true
 * --add-opens=java.base/java.nio=ALL-UNNAMED}) Netty takes the chunk from the C heap unzeroed, counts and frees it
 * itself, and only the pages its buffers used are resident. {@link #describe} says which, for the start's log.
 */
public final class NettyArenas {

    static final String PROPERTY = "io.netty.allocator.numDirectArenas";

    private NettyArenas() {
    }

    /** Sets {@value #PROPERTY} for {@code httpEventLoops} unless it is set already; the count in effect. */
    public static String limit(int httpEventLoops) {
        String given = System.getProperty(PROPERTY);
        if (given != null) {
            return given;
        }
        String count = Integer.toString(forEventLoops(httpEventLoops));
        System.setProperty(PROPERTY, count);
        return count;
    }

    /** The log's account of Netty's direct memory in this JVM: the arena count and how a chunk is taken. */
    public static String describe(String arenas) {
        return describe(arenas, PlatformDependent.useDirectBufferNoCleaner());
    }

    static String describe(String arenas, boolean unzeroed) {
        return arenas + (arenas.equals("1") ? " pooled direct arena" : " pooled direct arenas") + ", "
            + (unzeroed ? "chunks from the C heap, resident as used"
                : "chunks zeroed by the JDK, resident in full (bin/datenhafen's Netty options not given)");
    }

    /** One arena for every two HTTP event loops, at least one. */
    static int forEventLoops(int httpEventLoops) {
        return Math.max(1, httpEventLoops / 2);
    }
}
