package de.datenhafen.core.security;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.core.store.Database;
import de.datenhafen.core.store.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The association's member organisations: id, name, contact, state. A suspended member's tokens and sessions stop
 * working at once (listeners drop what they cached); its plugins keep running unless an admin disables them.
 */
public final class Members {

    public static final String ACTIVE = "active";
    public static final String SUSPENDED = "suspended";
    /** Lower-case letters, digits and dashes, 2 to 64: it appears in paths and audit entries. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,63}");

    public record Member(String id, String name, String contact, String state, Instant createdAt, Instant updatedAt) {
        public boolean active() {
            return ACTIVE.equals(state);
        }
    }

    private final Database db;
    /** Member id to state: read on every authenticated request, so kept in memory and changed with the table. */
    private final Map<String, String> states = new ConcurrentHashMap<>();
    /**
     * Lower-case member name to id, for plugins whose descriptor names their provider; of members with one name, the
     * smallest id (names are not unique), the same on every node. Made anew from the table at each change of a name.
     */
    private volatile Map<String, String> byName = Map.of();
    private final List<Consumer<String>> changed = new CopyOnWriteArrayList<>();
    private volatile ChangeNotice notice = ChangeNotice.NONE;

    public Members(Database db) {
        this.db = db;
        reload();
    }

    /**
     * Reads every member's state and name again: at start, and once more when this node begins to read the other
     * nodes' change notices (a change made between the two was in neither).
     */
    public void reload() {
        List<Member> all = list();
        all.forEach(m -> states.put(m.id(), m.state()));
        names(all);
    }

    private void names(List<Member> all) {
        Map<String, String> names = new java.util.HashMap<>();
        for (Member m : all) {
            names.merge(m.name().toLowerCase(java.util.Locale.ROOT), m.id(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        byName = Map.copyOf(names);
    }

    /**
     * The kind of change notice a member's creation or change leaves for the other nodes on the database, which read
     * the member again: their states are kept in memory, and a member suspended on one node went on working through
     * the others (its tokens, its people's sessions) until they restarted.
     */
    public static final String CHANGE = "member";

    /** Where a change is told to the other nodes (a change notice of kind {@link #CHANGE}, in its transaction). */
    public void announceWith(ChangeNotice notice) {
        this.notice = notice;
    }

    /**
     * Another node created or changed member {@code id}: reads it again, and tells this node's listeners when its
     * state is not what this node held (its tokens' cached checks are dropped, its people's sessions end).
     */
    public void changedElsewhere(String id) {
        Optional<Member> now = get(id);
        String before = now.isPresent() ? states.put(id, now.get().state()) : states.remove(id);
        names(list());
        if (!Objects.equals(before, now.map(Member::state).orElse(null))) {
            changed.forEach(l -> l.accept(id));
        }
    }

    /** Calls {@code listener} with a member's id after its state changed (here or on another node). */
    public void onStateChange(Consumer<String> listener) {
        changed.add(listener);
    }

    public boolean active(String id) {
        return ACTIVE.equals(state(id));
    }

    /**
     * A member's state as this node holds it; a member it does not hold yet is read from the database (made on another
     * node a moment ago, before its change notice came: its tokens are good at once on every node).
     */
    private String state(String id) {
        if (id == null) {
            return null;
        }
        String s = states.get(id);
        if (s == null && ID.matcher(id).matches()) {
            Optional<Member> m = get(id);
            if (m.isPresent()) {
                s = states.computeIfAbsent(id, k -> m.get().state());
            }
        }
        return s;
    }

    /**
     * The member a plugin's descriptor names as its provider ({@code Plugin-Provider}): the member with that id, or
     * with that name (ignoring case); null when no member matches, so the plugin has no owning member yet.
     */
    public String ownerOf(String provider) {
        if (provider == null) {
            return null;
        }
        // held states only: this runs on every guarded plugin request, and a provider that is no member's id would
        // read the database each time (a member made on another node is held once its notice comes, within seconds)
        if (states.containsKey(provider)) {
            return provider;
        }
        return byName.get(provider.toLowerCase(java.util.Locale.ROOT));
    }

    public boolean exists(String id) {
        return state(id) != null;
    }

    public Member create(String id, String name, String contact) {
        FieldChecks fields = new FieldChecks(); // each field said at once
        if (id == null || !ID.matcher(id).matches()) {
            fields.refuse((InvalidInputException) new InvalidInputException("a member id is 2 to 64 lower-case "
                + "letters, digits and dashes, starting with a letter or digit", "id").coded("member.id"));
        }
        String checkedName = name;
        String checkedContact = contact;
        name = fields.check(() -> TextRules.required(checkedName, "name", 200));
        contact = fields.check(() -> TextRules.optional(checkedContact, "contact", 320));
        fields.done();
        Instant now = Instant.now();
        String n = name;
        String k = contact;
        Transactions.run(db, "store member " + id, c -> {
            if (get(c, id).isPresent()) {
                throw new ConflictException("member " + id + " exists already", "id").coded("member.exists", id);
            }
            try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO member (id, name, contact, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, n);
                ps.setString(3, k);
                ps.setString(4, ACTIVE);
                ps.setTimestamp(5, Timestamp.from(now));
                ps.setTimestamp(6, Timestamp.from(now));
                ps.executeUpdate();
            }
            notice.write(c, id);
        });
        states.put(id, ACTIVE);
        names(list());
        return new Member(id, name, contact, ACTIVE, now, now);
    }

    /** Changes name and contact where given (null keeps the old value). */
    public Member update(String id, String name, String contact) {
        Member old = require(id);
        String n = name == null ? old.name() : TextRules.required(name, "name", 200);
        String k = contact == null ? old.contact() : TextRules.optional(contact, "contact", 320);
        write(id, "UPDATE member SET name = ?, contact = ?, updated_at = ? WHERE id = ?", n, k);
        names(list());
        return require(id);
    }

    /** Sets the state ({@link #ACTIVE} or {@link #SUSPENDED}); listeners hear of it when it changed. */
    public Member state(String id, String state) {
        if (!ACTIVE.equals(state) && !SUSPENDED.equals(state)) {
            throw new InvalidInputException("state is active or suspended", "state").coded("member.state");
        }
        Member old = require(id);
        if (!old.state().equals(state)) {
            write(id, "UPDATE member SET state = ?, updated_at = ? WHERE id = ?", state);
            states.put(id, state);
            changed.forEach(l -> l.accept(id)); // after the notice is written: a listener's failure keeps it

        }
        return require(id);
    }

    /** Runs {@code sql} on member {@code id} with its change notice, in one transaction. */
    private void write(String id, String sql, String... values) {
        Transactions.run(db, "change member " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (String v : values) {
                    ps.setString(i++, v);
                }
                ps.setTimestamp(i++, Timestamp.from(Instant.now()));
                ps.setString(i, id);
                ps.executeUpdate();
            }
            notice.write(c, id);
        });
    }

    public Member require(String id) {
        return get(id).orElseThrow(() -> new NotFoundException("no member " + id, "member").coded("member.none", id));
    }

    public Optional<Member> get(String id) {
        try (Connection c = db.connection()) {
            return get(c, id);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read member " + id, e);
        }
    }

    private static Optional<Member> get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM member WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    public List<Member> list() {
        List<Member> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
            "SELECT * FROM member ORDER BY id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read members", e);
        }
        return out;
    }

    private static Member row(ResultSet rs) throws SQLException {
        return new Member(rs.getString("id"), rs.getString("name"), rs.getString("contact"), rs.getString("state"),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
