/** The demo town Neuhafen: a generated week of timetable and a simulated fleet for it. */
package de.datenhafen.plugins.transit.demo;
