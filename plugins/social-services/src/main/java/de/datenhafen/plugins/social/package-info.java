/**
 * The social services' directory: counselling and cultural offers as Open Referral HSDS 3.1 objects. HSDS JSON is the
 * model itself (services are kept as whole HSDS documents with their nested objects); {@link
 * de.datenhafen.plugins.social.HsdsRules} says what a valid object is, {@link de.datenhafen.plugins.social.Directory}
 * holds the stored set and diffs imports against it, {@link de.datenhafen.plugins.social.SearchIndex} answers citizens.
 */
package de.datenhafen.plugins.social;
