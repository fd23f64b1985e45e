package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.core.http.HttpApi;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every admin route, taken from the hub's router so a new one cannot slip by, needs a valid bearer token. */
class AdminAuthTest {

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder()
        .config(de.datenhafen.core.config.HubConfig.AUTH_FAILURES_LIMIT, 100_000).build(); // see WrongTokenLimitTest

    @Test
    void answersEveryAdminRouteWith401WithoutAToken(HubClient client) {
        assertAllRefused(client.anonymous(), "this route needs a token (Authorization: Bearer <token>) or a session "
            + "(sign in with POST /api/v1/auth/login)");
    }

    @Test
    void answersEveryAdminRouteWith401WithAWrongToken(HubClient client) {
        assertAllRefused(client.withToken("not-the-admin-token"), "the bearer token is not valid (unknown, expired, "
            + "revoked, or its member is suspended)");
    }

    @Test
    void answersAnAuthorizationHeaderThatIsNotBearerWith401(HubClient client) {
        HubClient.Response r = client.anonymous().post("/api/v1/admin/plugins",
            java.util.Map.of("Authorization", "Basic YWRtaW46YWRtaW4="), "");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().getString("field")).isEqualTo("Authorization");
    }

    private static void assertAllRefused(HubClient client, String message) {
        List<HttpApi.HttpRoute> admin = hub.hub().httpRoutes().stream()
            .filter(r -> r.path().startsWith("/api/v1/admin/")).toList();
        assertThat(admin).contains(new HttpApi.HttpRoute("POST", "/api/v1/admin/plugins"),
            new HttpApi.HttpRoute("DELETE", "/api/v1/admin/integrations/:name"));
        SoftAssertions soft = new SoftAssertions();
        for (HttpApi.HttpRoute route : admin) {
            String path = route.path().replaceAll(":[A-Za-z]+", "fixture");
            HubClient.Response r = switch (route.method()) {
                case "GET" -> client.get(path);
                case "DELETE" -> client.delete(path);
                case "POST" -> client.post(path, new JsonObject().put("name", "x"));
                default -> client.send(route.method(), path, new JsonObject().put("name", "x"));
            };
            soft.assertThat(r.status()).as(route + " " + r).isEqualTo(401);
            soft.assertThat(r.header("WWW-Authenticate")).as(route + " WWW-Authenticate").startsWith("Bearer");
            if (r.status() == 401) {
                soft.assertThat(r.json().getString("error")).as(route + " error").isEqualTo(message);
                soft.assertThat(r.json().getString("field")).as(route + " field").isEqualTo("Authorization");
            }
        }
        soft.assertAll();
    }
}
