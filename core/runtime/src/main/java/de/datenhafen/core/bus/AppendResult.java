package de.datenhafen.core.bus;

/**
 * What became of one appended event.
 *
 * @param sequence its sequence number; for a duplicate, the sequence of the copy stored before
 * @param duplicate whether an event with the same (source, id) was already stored, so nothing was added
 */
public record AppendResult(long sequence, boolean duplicate) {
}
