package de.datenhafen.plugins.social;

/**
 * An import (or an edit) refused for its size before it was taken in: answered with {@link #status} (413 when it is
 * too large, 422 when an archive is shaped like a bomb) and a message naming the limit
 * and its config key. Nothing was changed.
 */
final class ImportRefused extends RuntimeException {

    final int status;

    ImportRefused(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
