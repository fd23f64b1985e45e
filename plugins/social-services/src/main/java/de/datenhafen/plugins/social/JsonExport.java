package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * {@code GET /export} as a stream: the HSDS JSON document set ({@code {"version","profile","organizations",
 * "services","taxonomies","taxonomy_terms"}}) made piece by piece while the answer is sent. Each stored service is
 * sent as the compact JSON it is stored as, never parsed; the rest (organisations, taxonomies, terms) is serialised
 * one object at a time. So an export of 20,000 services (56 MB) holds a piece of a few KB beside the snapshot's list
 * of references, where building the document took some 400 MB of heap (README, Numbers).
 *
 * <p>Streaming rather than paging: an export is the form {@code POST /import} reads and another directory takes
 * whole; a paged export would not be that document. Streaming rather than a temporary file: the stored services are
 * in memory already, so the answer costs no more than copying them to the socket.
 */
final class JsonExport extends InputStream {

    private record Section(String name, List<?> items, Function<Object, byte[]> bytes) {
    }

    private final List<Section> sections;
    private int section;
    private int item = -1;
    private boolean comma;
    private boolean done;
    private byte[] piece;
    private int pos;

    JsonExport(Directory.Snapshot snap) {
        byte[] head = Json.bytes(Json.object().put("version", Api.HSDS_VERSION).put("profile", Api.PROFILE));
        Function<Object, byte[]> tree = o -> Json.bytes((ObjectNode) o);
        this.sections = List.of(new Section("organizations", snap.organizations(), tree),
            new Section("services", snap.services(), o -> ((Directory.Stored) o).doc()),
            new Section("taxonomies", snap.taxonomies(), tree), new Section("taxonomy_terms", snap.terms(), tree));
        // the head without its closing brace; the sections follow as its next fields
        this.piece = java.util.Arrays.copyOf(head, head.length - 1);
    }

    /** The next piece, or null at the end. */
    private byte[] next() {
        if (done) {
            return null;
        }
        if (section == sections.size()) {
            done = true;
            return new byte[] {'}'};
        }
        Section s = sections.get(section);
        if (item == -1) {
            item = 0;
            return (",\"" + s.name() + "\":[").getBytes(StandardCharsets.UTF_8);
        }
        if (item < s.items().size()) {
            if (item > 0 && !comma) {
                comma = true;
                return new byte[] {','};
            }
            comma = false;
            return s.bytes().apply(s.items().get(item++));
        }
        section++;
        item = -1;
        return new byte[] {']'};
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        int n = 0;
        while (n < len) {
            if (pos == piece.length) {
                byte[] p = next();
                if (p == null) {
                    break;
                }
                piece = p;
                pos = 0;
                continue;
            }
            int k = Math.min(len - n, piece.length - pos);
            System.arraycopy(piece, pos, b, off + n, k);
            pos += k;
            n += k;
        }
        return n == 0 ? -1 : n;
    }
}
