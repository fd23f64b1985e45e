package de.datenhafen.core.flow;

import de.datenhafen.api.RefusedException;

/**
 * A flow the hub will not take (422): its message starts with the line and the block at fault
 * ({@code line 7, block 'exec': ...}), its field is the block's place ({@code steps[2]}).
 */
public final class FlowRefusedException extends RefusedException {

    private final int line;
    private final String block;

    FlowRefusedException(int line, String block, String path, String message) {
        super("line " + line + (block == null ? "" : ", block '" + block + "'") + ": " + message,
            path == null ? "definition" : path);
        this.line = line;
        this.block = block;
    }

    /** The line at fault, 1-based. */
    public int line() {
        return line;
    }

    /** The block at fault, or null when the document as a whole is. */
    public String block() {
        return block;
    }
}
