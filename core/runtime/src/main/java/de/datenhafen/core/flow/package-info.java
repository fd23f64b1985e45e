/**
 * Flows: routes an admin (or a member-admin, inside its member's data) defines as data, without Java. A flow is a
 * small YAML document of the hub's own ({@link de.datenhafen.core.flow.FlowParser}), stored with versions, compiled
 * to Camel's Java DSL ({@link de.datenhafen.core.flow.FlowCompiler}) and run as an integration of the hub.
 *
 * <p>Why a model of our own and not Camel's YAML DSL restricted: Camel's YAML DSL reaches every component, every
 * language ({@code simple}, {@code groovy}, {@code bean}...), property placeholders ({@code {{env:...}}},
 * {@code {{file:...}}}) and route-level options; restricting it means walking a large, changing schema and trusting
 * that nothing in it resolves before our check. Our model is an allow-list by construction: the parser knows eleven
 * blocks and nothing else, every refusal names the line and the block, expressions are JSONata evaluated with time,
 * depth and size bounds, and the compiler writes every endpoint URI itself with encoded values, so no text of a flow
 * ever reaches a Camel language or the placeholder resolver. The YAML is read with SnakeYAML's composer (no object
 * construction), with size, code point and nesting limits and no anchors, aliases or tags.
 */
package de.datenhafen.core.flow;
