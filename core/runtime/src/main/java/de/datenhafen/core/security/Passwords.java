package de.datenhafen.core.security;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import de.datenhafen.api.InvalidInputException;
import java.util.Locale;

/**
 * People's passwords, hashed with Argon2id by password4j (PHC strings, salt and parameters inside, so a later
 * change of parameters leaves old hashes verifiable). The rules are NIST SP 800-63B's: a length (at least
 * {@value #MIN_LENGTH} characters, at most {@value #MAX_LENGTH}), any characters, no composition rules, and not
 * made of what the hub knows about the account (its id, its member's id, the hub's name) or one repeated character.
 * (A list of breached passwords, which NIST also asks for, is not shipped: none with a clear licence is on Maven
 * Central; an admin can put the hub behind a single sign-on that checks one.)
 */
public final class Passwords {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;

    private final int memoryKiB;
    private final int iterations;
    /**
     * Made at the first hash or check, not at start: password4j keeps an all-zero template of the whole Argon2 memory
     * (19 MiB by default) in each instance, for ever, so a hub where nobody signs in need not carry it.
     */
    private volatile Argon2Function argon2;
    /**
     * A hash of nothing anyone knows: verified against when the account does not exist, so timing tells nothing.
     * Made at the first such sign-in, not at every start of the hub.
     */
    private volatile String decoy;

    /**
     * @param memoryKiB Argon2id memory (19,456 KiB is OWASP's first recommendation)
     * @param iterations Argon2id passes
     */
    public Passwords(int memoryKiB, int iterations) {
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
    }

    public String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(argon2()).getResult();
    }

    private Argon2Function argon2() {
        Argon2Function a = argon2;
        if (a == null) {
            a = Argon2Function.getInstance(memoryKiB, iterations, 1, 32, Argon2.ID, 19);
            argon2 = a;
        }
        return a;
    }

    /** Whether {@code password} matches {@code stored}; with {@code stored} null, spends the same time and says no. */
    public boolean verify(String password, String stored) {
        if (password == null || password.length() > MAX_LENGTH * 2) {
            return false;
        }
        if (stored == null && decoy == null) {
            decoy = hash(Secrets.newSecret());
        }
        String against = stored == null ? decoy : stored;
        boolean ok = Password.check(password, against).with(Argon2Function.getInstanceFromHash(against));
        return ok && stored != null;
    }

    /** The rules {@link #check} holds a password to, each by the words its refusal begins with. */
    public enum Rule {
        TOO_SHORT("a password has at least "),
        TOO_LONG("a password has at most "),
        HAS_A_NAME("a password cannot contain "),
        TOO_SIMPLE("a password needs more than ");

        private final String opening;

        Rule(String opening) {
            this.opening = opening;
        }

        /** The rule a refusal of {@link #check} names (its message), if it is one of them. */
        public static java.util.Optional<Rule> of(String refusal) {
            return java.util.Arrays.stream(values()).filter(r -> refusal != null && refusal.startsWith(r.opening))
                .findFirst();
        }
    }

    /** Refuses a password the rules do not allow, with the reason (field {@code password}). */
    public static void check(String password, String userId, String memberId) {
        check(password, userId, memberId, "password");
    }

    /** As {@link #check(String, String, String)}, a refusal naming {@code field} (a change's {@code newPassword}). */
    public static void check(String password, String userId, String memberId, String field) {
        if (password == null) {
            throw new InvalidInputException("password is required", field).coded("text.required", field);
        }
        int n = password.codePointCount(0, password.length());
        if (n < MIN_LENGTH) {
            throw new InvalidInputException(Rule.TOO_SHORT.opening + MIN_LENGTH + " characters (any characters; "
                + "a few words make a good one)", field).coded("password.tooShort", MIN_LENGTH);
        }
        if (n > MAX_LENGTH) {
            throw new InvalidInputException(Rule.TOO_LONG.opening + MAX_LENGTH + " characters", field)
                .coded("password.tooLong", MAX_LENGTH);
        }
        String lower = password.toLowerCase(Locale.ROOT);
        for (String known : new String[] {userId, memberId, "datenhafen"}) {
            if (known != null && known.length() >= 4 && lower.contains(known.toLowerCase(Locale.ROOT))) {
                throw new InvalidInputException(Rule.HAS_A_NAME.opening + "the account's name, its member's or the "
                    + "hub's", field).coded("password.hasName");
            }
        }
        if (password.codePoints().distinct().count() < 3) {
            throw new InvalidInputException(Rule.TOO_SIMPLE.opening + "two different characters", field)
                .coded("password.tooSimple");
        }
    }
}
