/**
 * Who may act: bearer tokens (only their hashes are stored), the principal a request acts as, and the key that
 * encrypts secret config values at rest. Accounts, roles beyond admin and member-scoped tokens fit in here later.
 */
package de.datenhafen.core.security;
