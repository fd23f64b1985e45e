package de.datenhafen.core.bus;

/**
 * Marks a delivery's failure that another attempt would only repeat: the same event through the same code fails the
 * same way (a flow's expression past its time or size bound, or one that cannot be evaluated on this event). A
 * subscription moves such an event to its dead letters at its first failure, and splits a batch that failed so at
 * once, instead of retrying with back-off: retries would spend the bound again each time (up to a second of CPU for
 * a flow's expression) and hold the events behind it for the whole back-off, and end in the dead letters all the
 * same. Implemented by the exception (or one of its causes) the delivery throws.
 */
public interface PermanentFailure {

    /** Whether {@code failure} or one of its causes (at most 16 deep) is marked permanent. */
    static boolean in(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof PermanentFailure) {
                return true;
            }
        }
        return false;
    }
}
