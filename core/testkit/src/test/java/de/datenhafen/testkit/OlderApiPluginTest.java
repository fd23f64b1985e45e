package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.HubApi;
import de.datenhafen.fixtures.Fixtures;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plugin API follows semantic versioning: a plugin compiled against the previous minor version (1.0.0, taken
 * from this repository's history and compiled here) still loads, starts and serves on this hub, and its errors are
 * the hub's answers. Built at test time, not checked in: the 1.0.0 API sources from git, then a plugin against them.
 */
class OlderApiPluginTest {

    /** The last commit whose core/api was API 1.0.0 (before issue 14's additions). */
    private static final String API_1_0_COMMIT = "28abebed7d49e781eeb57a51fb0b2f595c05c0d9";
    private static final Path WORK = TestDirs.create("older-api");

    private static final String PLUGIN = """
        package older;

        import de.datenhafen.api.*;
        import java.util.List;
        import org.apache.camel.RoutesBuilder;
        import org.apache.camel.builder.RouteBuilder;

        public class OlderPlugin extends HubPlugin {
            public OlderPlugin(PluginContext context) {
                super(context);
            }

            @Override
            public List<Connector> connectors() {
                return List.of(new Connector() {
                    public String name() { return "older-echo"; }
                    public String description() { return "Built against API 1.0.0"; }
                    public ConfigDef config() {
                        return ConfigDef.builder().define("path", ConfigType.STRING, null, true, "Path").build();
                    }
                    public RoutesBuilder routes(IntegrationContext ctx) {
                        return new RouteBuilder() {
                            public void configure() {
                                from(ctx.httpEndpoint(ctx.config().getString("path"))).routeId(ctx.routeId("echo"))
                                    .process(e -> {
                                        String name = e.getIn().getHeader("name", String.class);
                                        if (name == null) {
                                            throw new InvalidInputException("is required", "name");
                                        }
                                        e.getMessage().setBody("hello " + name);
                                    });
                            }
                        };
                    }
                });
            }
        }
        """;

    @RegisterExtension
    static final HubExtension hub = HubExtension.builder().build();

    private static Path archive;

    @BeforeAll
    static void buildAPluginAgainstApi10() throws Exception {
        Path repo = repositoryRoot();
        Path oldApi = WORK.resolve("api-1.0-src");
        Files.createDirectories(oldApi);
        Process p = new ProcessBuilder("sh", "-c", "git -C \"$0\" archive " + API_1_0_COMMIT
            + " core/api/src/main/java | tar -x -C \"$1\"", repo.toString(), oldApi.toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
        Path apiClasses = compile(oldApi.resolve("core/api/src/main/java"), WORK.resolve("api-1.0-classes"), List.of());

        Path pluginSrc = WORK.resolve("plugin-src/older");
        Files.createDirectories(pluginSrc);
        Files.writeString(pluginSrc.resolve("OlderPlugin.java"), PLUGIN);
        Path pluginClasses = compile(pluginSrc.getParent(), WORK.resolve("plugin-classes"), List.of(apiClasses));

        try (URLClassLoader loader = new URLClassLoader(new URL[] {pluginClasses.toUri().toURL()},
            OlderApiPluginTest.class.getClassLoader())) {
            Class<?> plugin = loader.loadClass("older.OlderPlugin");
            PluginArchiveBuilder b = PluginArchiveBuilder.plugin("older", "1.0.0", Fixtures.MEMBER, plugin)
                .requires(">=1.0.0 & <2.0.0");
            try (Stream<Path> files = Files.walk(pluginClasses)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    b.withEntry("classes/" + pluginClasses.relativize(f).toString().replace('\\', '/'),
                        Files.readAllBytes(f));
                }
            }
            archive = b.writeTo(WORK.resolve("archives"));
        }
    }

    @Test
    void aPluginCompiledAgainstApi10StartsAndServesOnThisHub(HubClient client) {
        assertThat(HubApi.version()).isNotEqualTo("1.0.0").startsWith("1.");

        HubClient.Response installed = client.installPlugin(archive, true);
        assertThat(installed.status()).as(installed.body()).isEqualTo(201);
        assertThat(installed.json().getString("state")).isEqualTo("started");
        HubClient.Response created = client.post("/api/v1/admin/integrations", new JsonObject().put("name", "older")
            .put("connector", "older-echo").put("config", new JsonObject().put("path", "echo")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        assertThat(client.anonymous().get("/api/v1/plugins/older/echo?name=Kiel").body()).isEqualTo("hello Kiel");
        HubClient.Response refused = client.anonymous().get("/api/v1/plugins/older/echo");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json()).isEqualTo(new JsonObject().put("error", "is required").put("field", "name"));
    }

    private static Path compile(Path sources, Path into, List<Path> before) throws IOException {
        Files.createDirectories(into);
        List<String> files;
        try (Stream<Path> s = Files.walk(sources)) {
            files = s.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
        }
        StringBuilder cp = new StringBuilder();
        before.forEach(b -> cp.append(b).append(java.io.File.pathSeparator));
        cp.append(System.getProperty("java.class.path"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-nowarn", "-d", into.toString(),
            "-cp", cp.toString()));
        args.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, null, err, args.toArray(String[]::new));
        assertThat(rc).as(err.toString()).isZero();
        return into;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(".git"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the test runs inside the repository's checkout (it takes API 1.0.0 from git)").isNotNull();
        return dir;
    }
}
