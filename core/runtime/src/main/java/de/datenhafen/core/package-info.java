/**
 * The Datenhafen server: {@link de.datenhafen.core.Hub} wires the features (one package each) together and
 * {@link de.datenhafen.core.Main} runs it in the foreground until SIGTERM.
 */
package de.datenhafen.core;
