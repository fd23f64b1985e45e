/**
 * One CSV reader for every plugin: RFC 4180 as Apache Commons CSV parses it, plus what a hub that reads files from
 * strangers needs on top (a byte-order mark dropped, blank lines skipped, caps on a cell, a record and the cells of a
 * record, the file and line named in every refusal). No type here names the parser, so the hub may change it.
 */
package de.datenhafen.api.csv;
