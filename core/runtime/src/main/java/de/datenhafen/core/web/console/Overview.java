package de.datenhafen.core.web.console;

import de.datenhafen.core.web.Html;
import io.vertx.core.Future;

/** The console's start page. */
final class Overview {

    private Overview() {
    }

    static Future<Console.Rendered> render(Console.View v) {
        return Future.succeededFuture(new Console.Rendered(v.t("overview.title"), new Html()
            .element("h1", v.t("overview.title"))));
    }
}
