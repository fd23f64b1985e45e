package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * One import: organisations, services as whole HSDS documents (nested schedules, languages, cost options,
 * attributes, service_at_locations with their locations), taxonomies and terms. Made by {@link DataSets} from a JSON
 * document set or a tabular data package, or by {@link DemoData}.
 *
 * @param sources for a tabular data package, where each row was read: {@code kind/id} → {@code "schedules.csv line
 *                17"}, so that a problem in a nested object names its file and line; empty for JSON
 */
record DataSet(List<ObjectNode> organizations, List<ObjectNode> services, List<ObjectNode> taxonomies,
               List<ObjectNode> terms, Map<String, String> sources) {

    DataSet {
        organizations = List.copyOf(organizations);
        services = List.copyOf(services);
        taxonomies = List.copyOf(taxonomies);
        terms = List.copyOf(terms);
        sources = Map.copyOf(sources);
    }

    DataSet(List<ObjectNode> organizations, List<ObjectNode> services, List<ObjectNode> taxonomies,
            List<ObjectNode> terms) {
        this(organizations, services, taxonomies, terms, Map.of());
    }

    @Override
    public String toString() {
        return "DataSet[" + organizations.size() + " organizations, " + services.size() + " services, "
            + terms.size() + " terms]";
    }
}
