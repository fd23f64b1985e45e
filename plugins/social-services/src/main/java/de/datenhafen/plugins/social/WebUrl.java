package de.datenhafen.plugins.social;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The one rule for the directory's web addresses: an absolute {@code http} or {@code https} URL with a host name,
 * written in printable ASCII (a non-ASCII host as its {@code xn--} form). Every URL field the directory takes in is
 * held to it ({@link HsdsSchemas}' {@code uri} format, {@link HsdsRules} for the URL fields the schemas leave
 * unformatted), and the city's page links only what keeps it ({@link ServicesSection}).
 *
 * <p>Why narrower than HSDS's {@code format: uri}, which any scheme passes: the directory's fields are published to
 * browsers, on the city's page and by every directory that copies them, as links, and {@code javascript:alert(8)} is a
 * valid URI. The hub's HTML writer ({@code de.datenhafen.api.web.Html}) refuses to write a link other than http(s),
 * mailto or relative; everything this rule passes it writes. Relative and mailto addresses are kept out on purpose: a
 * relative one would point into the hub, and e-mail has fields of its own.
 */
final class WebUrl {

    /** What the rule asks for, as a problem's message says it: {@code must be <WHAT>; was '...'}. */
    static final String WHAT = "an absolute http or https URL";
    /** What a field of HSDS's {@code format: uri} takes: {@link #WHAT}, or a URN. */
    static final String WHAT_OR_URN = WHAT + ", or a URN";

    /** A URN (RFC 8141): {@code urn:}, a namespace of 2 to 32 letters, digits and hyphens, {@code :}, the rest. */
    private static final java.util.regex.Pattern URN =
        java.util.regex.Pattern.compile("(?i)urn:[a-z0-9][a-z0-9-]{0,30}[a-z0-9]:[\\x21-\\x7e]+");

    private WebUrl() {
    }

    /**
     * Whether {@code s} is a web address ({@link #isWeb}) or a URN: what a {@code format: uri} field of HSDS takes.
     * Some of them are identifiers ({@code organization.uri}, a taxonomy's {@code uri}, a term's {@code term_uri}),
     * for which published taxonomies use URNs; the city's page links only web addresses, and shows a URN as text.
     */
    static boolean isWebOrUrn(String s) {
        return isWeb(s) || s != null && URN.matcher(s).matches();
    }

    /** Whether {@code s} keeps the rule; null and empty do not. */
    static boolean isWeb(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false; // blanks and control characters a browser drops from a scheme, and non-ASCII
            }
        }
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = u.getScheme();
        return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
            && u.getHost() != null && !u.getHost().isEmpty();
    }
}
