package de.datenhafen.core.web;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;

/**
 * The languages of the hub's pages: German first (the association's language), English second. A page is in the
 * language of the {@value #COOKIE} cookie, which the language switch sets, or else the best of the browser's
 * {@code Accept-Language} that the hub speaks, or else German.
 */
public enum Language {
    DE("de"),
    EN("en");

    /** The cookie the language switch sets; only {@code de} or {@code en} count. */
    public static final String COOKIE = "lang";

    private final String code;

    Language(String code) {
        this.code = code;
    }

    /** The language code, as in {@code <html lang>}. */
    public String code() {
        return code;
    }

    public Locale locale() {
        return Locale.forLanguageTag(code);
    }

    /** The language this code names, if the hub speaks it. */
    public static Optional<Language> of(String code) {
        if (code == null) {
            return Optional.empty();
        }
        for (Language l : values()) {
            if (l.code.equalsIgnoreCase(code.trim())) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** The language of a request's page: the cookie, else {@code Accept-Language}, else German. */
    public static Language of(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(COOKIE);
        Optional<Language> chosen = of(cookie == null ? null : cookie.getValue());
        return chosen.orElseGet(() -> fromAcceptLanguage(ctx.request().getHeader("Accept-Language")));
    }

    /**
     * The hub's language a browser prefers most, by the q-values of an {@code Accept-Language} header (RFC 9110); a
     * range counts by its primary tag ({@code en-GB} is English), {@code *} or nothing known is German.
     */
    public static Language fromAcceptLanguage(String header) {
        if (header == null || header.isBlank() || header.length() > 1000) {
            return DE;
        }
        Language best = DE;
        double bestQ = 0;
        for (String range : header.split(",")) {
            String[] parts = range.trim().split(";");
            if (parts.length == 0) { // ";" or ",;": an empty range, nothing it prefers
                continue;
            }
            String tag = parts[0].trim();
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            int dash = tag.indexOf('-');
            Optional<Language> l = of(dash < 0 ? tag : tag.substring(0, dash));
            if (l.isPresent() && q > bestQ) {
                best = l.get();
                bestQ = q;
            }
        }
        return best;
    }

    /** The switch's cookie for this language: a year, every path, sent on top-level navigation from elsewhere too. */
    Cookie cookie(boolean secure) {
        return Cookie.cookie(COOKIE, code).setPath("/").setMaxAge(365L * 24 * 3600).setSameSite(CookieSameSite.LAX)
            .setSecure(secure);
    }
}
