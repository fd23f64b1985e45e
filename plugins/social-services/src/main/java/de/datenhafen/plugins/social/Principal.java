package de.datenhafen.plugins.social;

/** Who is calling: the directory's admin, an organisation (by its token), or anyone. */
sealed interface Principal {

    record Admin() implements Principal {
    }

    record Organization(String organizationId) implements Principal {
    }

    record Anonymous() implements Principal {
    }
}
