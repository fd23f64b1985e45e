/**
 * The city's public page at {@code /}: the shell (navigation of the running sections, language, home page with their
 * cards) around the sections that integrations register ({@link de.datenhafen.api.web.PublicSection}), each section's
 * pages below {@code /<id>} and its assets below {@code /city-assets/<id>/}.
 */
package de.datenhafen.core.city;
