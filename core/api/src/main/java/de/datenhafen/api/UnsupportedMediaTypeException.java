package de.datenhafen.api;

import java.util.List;

/**
 * The body's {@code Content-Type} is not one the route takes. Answered with 415; the field is {@code Content-Type}.
 * Thrown by a plugin's route, on its HTTP worker thread. The media types it takes are sent as {@code Accept-Patch}
 * (RFC 5789) on a PATCH and {@code Accept-Post} on a POST.
 *
 * @since 1.1
 */
public class UnsupportedMediaTypeException extends HubException {

    private final List<String> accepted;

    /**
     * @param message what to send instead, for the caller to read
     * @param accepted the media types the route takes, e.g. {@code "application/merge-patch+json"}
     */
    public UnsupportedMediaTypeException(String message, String... accepted) {
        super(message, "Content-Type");
        this.accepted = List.of(accepted);
    }

    /** The media types the route takes; may be empty. */
    public List<String> accepted() {
        return accepted;
    }
}
