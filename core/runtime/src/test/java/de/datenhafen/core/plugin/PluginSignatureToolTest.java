package de.datenhafen.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signing tools a member runs ({@code bin/datenhafen plugin keygen|sign}) and the signature they write. */
class PluginSignatureToolTest {

    @TempDir
    Path dir;

    @Test
    void keygenWritesAPrivateKeyOnlyItsOwnerCanReadAndSignMakesASignatureThatVerifies() throws Exception {
        Path archive = archive(dir.resolve("demo-1.0.0.zip"));

        String keygen = run("keygen", "--out", dir.resolve("acme").toString());
        String sign = run("sign", archive.toString(), "--key", dir.resolve("acme.pem").toString(), "--member", "acme");

        assertThat(Files.getPosixFilePermissions(dir.resolve("acme.pem")))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        var publicKey = PluginSignature.publicKey(Files.readString(dir.resolve("acme.pub.pem")), "key");
        assertThat(keygen).contains("key id      " + PluginSignature.keyId(publicKey));
        assertThat(sign).isEqualTo("signed " + archive + " as member acme with key " + PluginSignature.keyId(publicKey)
            + "\n");
        PluginSignature.Found found = PluginSignature.read(archive, ArchiveLimits.DEFAULTS);
        assertThat(found.member()).isEqualTo("acme");
        assertThat(found.declared()).containsOnlyKeys("plugin.properties", "classes/", "classes/a.txt");
        assertThat(found.firstChange()).isNull();
        assertThat(found.verifiedBy(publicKey)).isTrue();
    }

    @Test
    void keygenDoesNotOverwriteAKey() throws Exception {
        run("keygen", "--out", dir.resolve("acme").toString());

        assertThat(PluginTool.run(List.of("keygen", "--out", dir.resolve("acme").toString()), quiet(), quiet()))
            .isEqualTo(1);
    }

    @Test
    void signingAgainReplacesTheSignatureAndAnotherKeyDoesNotVerifyIt() throws Exception {
        Path archive = archive(dir.resolve("demo-1.0.0.zip"));
        KeyPair first = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair second = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        PluginSignature.sign(archive, "acme", first.getPrivate(), first.getPublic());
        PluginSignature.sign(archive, "acme", second.getPrivate(), second.getPublic());

        PluginSignature.Found found = PluginSignature.read(archive, ArchiveLimits.DEFAULTS);
        assertThat(found.keyId()).isEqualTo(PluginSignature.keyId(second.getPublic()));
        assertThat(found.declared()).doesNotContainKey(PluginSignature.ENTRY);
        assertThat(found.verifiedBy(second.getPublic())).isTrue();
        assertThat(found.verifiedBy(first.getPublic())).isFalse();
    }

    /**
     * The same archive signed twice with the same key is the same bytes, its entries keeping the times the build gave
     * them: a rebuild of unchanged sources gives the file the hub installed (the time of signing made each build a new
     * file, which the hub's plugins folder then ignored, and a new hash to allow).
     */
    @Test
    void theSameArchiveSignedAgainIsTheSameBytesWithTheBuildsTimes() throws Exception {
        java.time.LocalDateTime built = java.time.LocalDateTime.of(2026, 12, 1, 0, 0);
        Path one = archive(dir.resolve("one.zip"), built);
        Path two = Files.copy(one, dir.resolve("two.zip"));
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        PluginSignature.sign(one, "acme", pair.getPrivate(), pair.getPublic());
        PluginSignature.sign(two, "acme", pair.getPrivate(), pair.getPublic());
        PluginSignature.sign(two, "acme", pair.getPrivate(), pair.getPublic()); // again over its own signature

        assertThat(Files.readAllBytes(two)).isEqualTo(Files.readAllBytes(one));
        try (var zip = new java.util.zip.ZipFile(one.toFile())) {
            assertThat(zip.stream().map(ZipEntry::getTimeLocal).distinct().toList()).containsExactly(built);
        }
        assertThat(PluginSignature.read(one, ArchiveLimits.DEFAULTS).verifiedBy(pair.getPublic())).isTrue();
    }

    @Test
    void derivesThePublicKeyOfAStoredPrivateKey() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        assertThat(PluginTool.publicOf(pair.getPrivate()).getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    }

    @Test
    void readsARawBase64PublicKeyAsTheSameKeyAsItsPem() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] der = pair.getPublic().getEncoded();
        String raw = java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(der, 12, 44));

        assertThat(PluginSignature.keyId(PluginSignature.publicKey(raw, "publicKey")))
            .isEqualTo(PluginSignature.keyId(PluginSignature.publicKey(PluginSignature.pem("PUBLIC KEY", der), "k")));
    }

    private String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = PluginTool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), quiet());
        assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    private static Path archive(Path file) throws IOException {
        return archive(file, java.time.LocalDateTime.now());
    }

    private static Path archive(Path file, java.time.LocalDateTime at) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (String name : List.of("plugin.properties", "classes/", "classes/a.txt")) {
                ZipEntry e = new ZipEntry(name);
                e.setTimeLocal(at);
                zip.putNextEntry(e);
                zip.write(name.equals("plugin.properties") ? "plugin.id=demo\n".getBytes(StandardCharsets.UTF_8)
                    : name.endsWith("/") ? new byte[0] : "a".getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return file;
    }
}
