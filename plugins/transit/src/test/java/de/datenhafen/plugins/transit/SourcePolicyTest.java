package de.datenhafen.plugins.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feeds come from files in the import folder and from public hosts, or from hosts the admin listed. */
class SourcePolicyTest {

    @TempDir
    Path dir;
    private Path folder;
    private Path feed;

    @BeforeEach
    void files() throws IOException {
        folder = Files.createDirectories(dir.resolve("imports"));
        feed = Files.writeString(folder.resolve("sh.zip"), "zip");
        Files.writeString(dir.resolve("secret.txt"), "secret");
    }

    private SourcePolicy policy(String... allowed) {
        return new SourcePolicy(folder, List.of(allowed));
    }

    @Test
    void aFileInTheImportFolderIsTakenByNameByPathOrAsFileUri() throws IOException {
        Path real = feed.toRealPath();
        assertThat(policy().file("sh.zip")).isEqualTo(real);
        assertThat(policy().file(feed.toString())).isEqualTo(real);
        assertThat(policy().file(feed.toUri().toString())).isEqualTo(real);
    }

    @Test
    void aFileOutsideTheImportFolderIsRefusedHoweverItIsNamed() throws IOException {
        Path link = Files.createSymbolicLink(folder.resolve("link.zip"), dir.resolve("secret.txt"));
        for (String source : List.of("/etc/passwd", "../secret.txt", dir.resolve("secret.txt").toUri().toString(),
            link.toString())) {
            assertThatThrownBy(() -> policy().file(source)).isInstanceOf(SourcePolicy.Refused.class)
                .hasMessage("source " + source + " is outside the import folder (import-folder)");
        }
    }

    @Test
    void aMissingFileIsRefusedWithoutSayingMore() {
        assertThatThrownBy(() -> policy().file("nothing.zip"))
            .hasMessage("source nothing.zip is not a readable file in the import folder");
        assertThatThrownBy(() -> policy().file("sub/../nothing.zip"))
            .hasMessage("source sub/../nothing.zip is not a readable file in the import folder");
    }

    @Test
    void whetherAFileOutsideTheImportFolderExistsIsNotTold() {
        // the same answer for a file that exists and one that does not: the source's name alone is outside
        for (String source : List.of("/nowhere/at/all.zip", "../nothing.txt", "/etc/passwd", "../secret.txt",
            dir.resolve("nothing.txt").toUri().toString())) {
            assertThatThrownBy(() -> policy().file(source)).isInstanceOf(SourcePolicy.Refused.class)
                .hasMessage("source " + source + " is outside the import folder (import-folder)");
        }
    }

    @Test
    void loopbackPrivateLinkLocalAndSharedAddressesAreRefusedUnlessListed() {
        for (String url : List.of("http://127.0.0.1:8080/gtfs.zip", "http://localhost/x", "http://0.0.0.0/",
            "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/",
            "http://100.64.0.1/", "http://[::1]/", "http://[fd00::1]/", "http://[fe80::1]/", "http://[::ffff:10.0.0.1]/",
            "http://[64:ff9b::a00:1]/")) {
            URI uri = URI.create(url);
            assertThatThrownBy(() -> policy().check(uri)).as(url).isInstanceOf(SourcePolicy.Refused.class)
                .hasMessage("source host " + uri.getHost().toLowerCase() + " is not a public address; list it in "
                    + "allowed-hosts to use it");
        }
    }

    @Test
    void aListedHostIsTakenWhateverItsAddressAndNoOtherIs() throws Exception {
        policy("127.0.0.1", "*.example.org").check(URI.create("http://127.0.0.1:9/feed"));
        policy("127.0.0.1", "*.example.org").check(URI.create("https://gtfs.example.org/feed"));
        assertThatThrownBy(() -> policy("127.0.0.1", "*.example.org").check(URI.create("https://example.org/feed")))
            .hasMessage("source host example.org is not on allowed-hosts");
        assertThatThrownBy(() -> policy("127.0.0.1").check(URI.create("http://localhost/feed")))
            .hasMessage("source host localhost is not on allowed-hosts");
    }

    @Test
    void onlyHttpAndHttpsWithoutUserNamesAreUrls() {
        assertThatThrownBy(() -> policy().check(URI.create("ftp://8.8.8.8/feed.zip")))
            .hasMessage("source ftp://8.8.8.8/feed.zip is not an http(s) URL");
        assertThatThrownBy(() -> policy().check(URI.create("http://user:pw@8.8.8.8/feed.zip")))
            .hasMessage("source http://user:pw@8.8.8.8/feed.zip has no host, or a user name in it");
        assertThat(SourcePolicy.isUrl("https://x/y")).isTrue();
        assertThat(SourcePolicy.isUrl("file:/tmp/x")).isFalse();
        assertThat(SourcePolicy.isUrl("/tmp/x")).isFalse();
        assertThat(SourcePolicy.isUrl("C:/feeds/x.zip")).isFalse();
    }

    @Test
    void publicAddressesArePublic() throws Exception {
        assertThat(SourcePolicy.isPublic(InetAddress.getByName("8.8.8.8"))).isTrue();
        assertThat(SourcePolicy.isPublic(InetAddress.getByName("185.15.59.224"))).isTrue();
        assertThat(SourcePolicy.isPublic(InetAddress.getByName("2001:4860:4860::8888"))).isTrue();
        assertThat(SourcePolicy.isPublic(InetAddress.getByName("198.18.0.1"))).isFalse();
        assertThat(SourcePolicy.isPublic(InetAddress.getByName("255.255.255.255"))).isFalse();
    }
}
