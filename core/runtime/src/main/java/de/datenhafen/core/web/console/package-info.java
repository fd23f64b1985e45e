/**
 * The web console at {@code /console/}: pages rendered on the server from the JSON API as the signed-in person, so
 * the API's access rules decide what each person sees, and ES modules (no build step) for live parts and actions.
 */
package de.datenhafen.core.web.console;
