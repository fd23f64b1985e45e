/** Health (liveness, readiness with a check per plugin), metrics in Prometheus text, and the heap trim after start. */
package de.datenhafen.core.ops;
