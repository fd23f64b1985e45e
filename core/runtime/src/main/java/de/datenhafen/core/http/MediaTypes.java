package de.datenhafen.core.http;

import java.util.Locale;

/**
 * A request's {@code Content-Type} as the hub compares it: its media type alone, without parameters, in lower case
 * (RFC 9110 8.3.1: type and subtype are case-insensitive). {@code Application/X-WWW-Form-Urlencoded; charset=UTF-8}
 * is a form; {@code application/x-www-form-urlencodedX} is not.
 */
public final class MediaTypes {

    private MediaTypes() {
    }

    /** {@code type/subtype} of {@code contentType} in lower case (empty when it is blank), or null for null. */
    public static String essence(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code contentType}'s media type is one of {@code types} (given in lower case). */
    public static boolean is(String contentType, String... types) {
        String essence = essence(contentType);
        for (String t : types) {
            if (t.equals(essence)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code contentType} declares JSON: {@code application/json}, {@code text/json} or a {@code +json} type
     * ({@code application/merge-patch+json}, {@code application/cloudevents+json}).
     */
    public static boolean isJson(String contentType) {
        String t = essence(contentType);
        return t != null && (t.equals("application/json") || t.equals("text/json") || t.endsWith("+json"));
    }

    /** {@code contentType}'s media type as an answer may quote it: at most 64 characters. */
    public static String shown(String contentType) {
        String t = essence(contentType);
        return t == null || t.length() <= 64 ? t : t.substring(0, 64) + "...";
    }
}
