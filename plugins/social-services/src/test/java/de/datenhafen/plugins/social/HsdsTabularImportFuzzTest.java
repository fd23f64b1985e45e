package de.datenhafen.plugins.social;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The tabular import (a zip of CSV files and datapackage.json) from the directory's admin: whatever the bytes, a dry
 * run answers 200 or a clear refusal, never a 500, within bounded memory ({@link DryRunImport}).
 *
 * <p>An input that starts with {@code PK} is sent as the zip itself (the archive reader). Any other input is the CSV
 * text of the package's tables, separated by lines {@code ====}: the first part is services.csv, then
 * service_at_locations.csv, locations.csv, addresses.csv, schedules.csv, phones.csv, languages.csv, attributes.csv,
 * organizations.csv; the test zips them with a fixed datapackage.json. So the fuzzer works on CSV text, which a zip's
 * checksums would otherwise turn away at the first changed byte.
 */
class HsdsTabularImportFuzzTest {

    private static final String[] FILES = {"services.csv", "service_at_locations.csv", "locations.csv",
        "addresses.csv", "schedules.csv", "phones.csv", "languages.csv", "attributes.csv", "organizations.csv"};
    private static final byte[] DESCRIPTOR = descriptor();

    private static byte[] descriptor() {
        StringBuilder b = new StringBuilder("{\"profile\":\"tabular-data-package\",\"resources\":[");
        for (int i = 0; i < FILES.length; i++) {
            b.append(i == 0 ? "" : ",").append("{\"name\":\"").append(FILES[i], 0, FILES[i].length() - 4)
                .append("\",\"path\":\"").append(FILES[i]).append("\"}");
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @FuzzTest(maxDuration = "5s")
    void answersValidOrAClearRefusal(byte[] input) {
        byte[] zip = input.length > 1 && input[0] == 'P' && input[1] == 'K' ? input : pack(input);
        DryRunImport.assertAnswersValidOrAClearRefusal("application/zip", zip);
    }

    /** The package of the CSV parts of {@code text}, stored uncompressed (deflating each run would halve the runs). */
    static byte[] pack(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            stored(z, "datapackage.json", DESCRIPTOR);
            int file = 0;
            int start = 0;
            for (int i = 0; i <= text.length && file < FILES.length; i++) {
                if (i == text.length || separator(text, i)) {
                    stored(z, FILES[file++], Arrays.copyOfRange(text, start, i));
                    start = i + 5;
                    i += 4;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void stored(ZipOutputStream z, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(content.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(content);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(content);
        z.closeEntry();
    }

    private static boolean separator(byte[] t, int i) {
        return i + 5 <= t.length && t[i] == '=' && t[i + 1] == '=' && t[i + 2] == '=' && t[i + 3] == '='
            && t[i + 4] == '\n';
    }
}
