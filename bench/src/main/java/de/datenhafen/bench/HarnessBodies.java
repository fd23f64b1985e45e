package de.datenhafen.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Request bodies from the shared harness's payload templates ({@code payloads/generated} of {@code ../shared/bench},
 * made by its {@code gen_batch.py}), completed per request the way its {@code post-batch.lua} does, so a load from
 * here posts the same bytes as the harness's wrk runs: kind {@code ce} ({@code ce-100-NN.json}, 100 CloudEvents for
 * {@code POST /api/v1/events}, {@code @U@} replaced by a token new in every request, so every event id is new) and
 * kind {@code aq} ({@code aq-100-NN.json}, the air-quality plugin's plain batch, {@code @T@} replaced by a second new
 * in every request from 2020-01-02, so every reading's key {@code device@time} is new; the harness's registry
 * installs the devices from 2020-01-01).
 *
 * <p>Not thread-safe: one instance per event loop.
 */
public final class HarnessBodies {

    private static final long AQ_EPOCH = Instant.parse("2020-01-02T00:00:00Z").getEpochSecond();

    private final String kind;
    private final String slot;
    private final List<String[]> templates = new ArrayList<>();
    private long next;

    /**
     * @param dir  the folder of the generated payloads
     * @param kind {@code ce} or {@code aq}
     * @param slot distinct for every run against one hub (a prefix of the ce tokens; an offset of 2^20 seconds for aq)
     */
    public HarnessBodies(Path dir, String kind, int slot) {
        if (!kind.equals("ce") && !kind.equals("aq")) {
            throw new IllegalArgumentException("kind is ce or aq, was " + kind);
        }
        this.kind = kind;
        this.slot = Integer.toString(slot);
        this.next = kind.equals("aq") ? (long) slot << 20 : 0;
        String mark = kind.equals("ce") ? "@U@" : "@T@";
        for (int i = 0; i < 16; i++) {
            Path file = dir.resolve(String.format("%s-100-%02d.json", kind, i));
            if (!Files.exists(file)) {
                break;
            }
            try {
                templates.add(Files.readString(file).split(mark, -1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no " + kind + "-100-NN.json in " + dir
                + " (run the harness's payloads/gen_batch.py first)");
        }
    }

    /** The Content-Type the door expects. */
    public String contentType() {
        return kind.equals("ce") ? AirReadings.BATCH_CONTENT_TYPE : "application/json";
    }

    /** The next body: the next template, with a token no earlier body of this instance had. */
    public byte[] next() {
        String[] parts = templates.get((int) (next % templates.size()));
        String token = kind.equals("ce") ? "s" + slot + "." + next
            : Instant.ofEpochSecond(AQ_EPOCH + next).toString().replace("Z", "");
        next++;
        return String.join(token, parts).getBytes(StandardCharsets.UTF_8);
    }
}
