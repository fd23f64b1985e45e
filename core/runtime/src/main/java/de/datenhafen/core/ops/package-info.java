/** Health (liveness, readiness with a check per plugin) and metrics in Prometheus text. */
package de.datenhafen.core.ops;
