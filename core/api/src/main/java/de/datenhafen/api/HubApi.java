package de.datenhafen.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts about this API that both the hub and its plugins can read. */
public final class HubApi {

    private static final String VERSION = load();

    private HubApi() {
    }

    /**
     * The version of this API, in semantic versioning. Plugins state the range they need in
     * {@code Plugin-Requires} (for example {@code >=1.0.0 & <2.0.0}); the hub refuses a plugin whose range
     * does not contain it.
     */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = HubApi.class.getResourceAsStream("api.properties")) {
            if (in == null) {
                throw new IllegalStateException("api.properties is missing from the plugin API jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("api.version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
