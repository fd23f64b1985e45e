package de.datenhafen.core.web;

import de.datenhafen.api.web.Html;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What every face of the hub (the console, the city's page) shares on the wire: the assets under {@code /assets/} and
 * {@code /webjars/}, the language switch at {@code /language/{de|en}?back=<path>}, and the headers of a page: a strict
 * Content-Security-Policy (scripts, styles, images, fonts and connections from the hub only, nothing inline, no
 * framing, no {@code <base>}, forms to the hub only), {@code nosniff} and a same-origin referrer.
 */
public final class WebPages {

    /** The policy of every page and asset. {@link Html} cannot write what it forbids. */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        + "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
        + "form-action 'self'";
    /** The path of the language switch; {@code /language/en?back=/console/} sets English and goes back. */
    public static final String LANGUAGE = "/language/";

    private final Assets assets;

    public WebPages(Assets assets) {
        this.assets = assets;
    }

    public Assets assets() {
        return assets;
    }

    /** Mounts the assets and the language switch. Before the faces' own routes. */
    public void mount(Router router) {
        router.get(Assets.ASSETS + "*").handler(assets::serveOwn);
        router.head(Assets.ASSETS + "*").handler(assets::serveOwn);
        router.get(Assets.WEBJARS + "*").handler(assets::serveWebjar);
        router.head(Assets.WEBJARS + "*").handler(assets::serveWebjar);
        router.get(LANGUAGE + ":code").handler(this::switchLanguage);
    }

    /** The headers every page and asset carries. */
    public static void securityHeaders(HttpServerResponse response) {
        response.putHeader("Content-Security-Policy", CSP)
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Referrer-Policy", "same-origin")
            .putHeader("Cross-Origin-Opener-Policy", "same-origin");
    }

    /**
     * Sends a page: HTML, the security headers, its language, and {@code no-store} (pages may hold what only the
     * signed-in person may see; the city's page may cache its data calls instead).
     */
    public static void send(RoutingContext ctx, int status, Language language, String html) {
        HttpServerResponse response = ctx.response();
        securityHeaders(response);
        response.setStatusCode(status)
            .putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Content-Language", language.code())
            .putHeader("Cache-Control", "no-store")
            .putHeader("Vary", "Cookie, Accept-Language");
        end(ctx, html);
    }

    /** Ends with the page, or for a {@code HEAD} request with its length and no body. */
    public static void end(RoutingContext ctx, String html) {
        if (ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
            ctx.response().putHeader("Content-Length",
                Integer.toString(html.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)).end();
        } else {
            ctx.response().end(html);
        }
    }

    /** Sets the language cookie and goes back to the page the switch was on (a local path only). Works without JS. */
    private void switchLanguage(RoutingContext ctx) {
        Language language = Language.of(ctx.pathParam("code")).orElse(null);
        if (language == null) {
            ctx.fail(404);
            return;
        }
        ctx.response().addCookie(language.cookie(ctx.request().isSSL()));
        securityHeaders(ctx.response());
        ctx.response().setStatusCode(303).putHeader("Location", localPath(ctx.request().getParam("back")))
            .putHeader("Cache-Control", "no-store").end();
    }

    /**
     * {@code back} if it is a path on this hub ({@code /...}, not {@code //host} or {@code /\host}, printable
     * ASCII only, as a page's links are), else {@code /}: the switch is no open redirect.
     */
    public static String localPath(String back) {
        if (back == null || back.length() > 1000 || !back.startsWith("/") || back.startsWith("//")
            || back.startsWith("/\\")) {
            return "/";
        }
        for (int i = 0; i < back.length(); i++) {
            char c = back.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '\\') {
                return "/";
            }
        }
        return back;
    }
}
