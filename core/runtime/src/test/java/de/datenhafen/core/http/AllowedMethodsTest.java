package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The {@code Allow} of a 405: the methods of the routes whose paths take the request's, as the router matches them. */
class AllowedMethodsTest {

    private static final Vertx VERTX = Vertx.vertx();

    @AfterAll
    static void close() {
        VERTX.close();
    }

    @Test
    void anExactPathWithOrWithoutItsTrailingSlash() {
        assertThat(AllowedMethods.matches("/health/live", true, "/health/live")).isTrue();
        assertThat(AllowedMethods.matches("/health/live", true, "/health/live/")).isTrue();
        assertThat(AllowedMethods.matches("/health/live", true, "/health/liveness")).isFalse();
        assertThat(AllowedMethods.matches("/health/live", true, "/health")).isFalse();
    }

    @Test
    void aParameterStandsForOneSegmentThatIsNotEmpty() {
        assertThat(AllowedMethods.matches("/a/:name/pause", true, "/a/x/pause")).isTrue();
        assertThat(AllowedMethods.matches("/a/:name/pause", true, "/a//pause")).isFalse();
        assertThat(AllowedMethods.matches("/a/:name/pause", true, "/a/x/y/pause")).isFalse();
        assertThat(AllowedMethods.matches("/a/:name", true, "/a/x/pause")).isFalse();
    }

    @Test
    void aPrefixTakesEveryPathBelowIt() {
        assertThat(AllowedMethods.matches("/assets/", false, "/assets/site.css")).isTrue();
        assertThat(AllowedMethods.matches("/assets/", false, "/assets")).isTrue();
        assertThat(AllowedMethods.matches("/assets/", false, "/assetsx")).isFalse();
        assertThat(AllowedMethods.matches("/p/:id/", false, "/p/7/a/b")).isTrue();
        assertThat(AllowedMethods.matches("/p/:id/", false, "/q/7/a")).isFalse();
    }

    @Test
    void theRoutersOwnTemplatesGiveTheMethodsOfEveryRouteThatMatches() {
        Router router = Router.router(VERTX);
        router.get("/i/:name").handler(ctx -> { });
        router.delete("/i/:name").handler(ctx -> { });
        router.post("/i/validate").handler(ctx -> { });
        router.post("/i/:name/pause").handler(ctx -> { });
        router.get("/files/*").handler(ctx -> { });
        router.route("/open/*").handler(ctx -> { });

        assertThat(AllowedMethods.of(router, "/i/validate")).isEqualTo("DELETE, GET, HEAD, POST");
        assertThat(AllowedMethods.of(router, "/i/x")).isEqualTo("DELETE, GET, HEAD");
        assertThat(AllowedMethods.of(router, "/i/x/pause")).isEqualTo("POST");
        assertThat(AllowedMethods.of(router, "/files/a/b.css")).isEqualTo("GET, HEAD");
        assertThat(AllowedMethods.of(router, "/nowhere")).isEmpty();
        assertThat(AllowedMethods.anywhere(router)).isEqualTo("DELETE, GET, HEAD, POST");
    }
}
