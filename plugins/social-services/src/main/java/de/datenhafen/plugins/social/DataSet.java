package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One import: organisations, services as whole HSDS documents (nested schedules, languages, cost options,
 * attributes, service_at_locations with their locations), taxonomies and terms. Made by {@link DataSets} from a JSON
 * document set or a tabular data package, or by {@link DemoData}.
 */
record DataSet(List<ObjectNode> organizations, List<ObjectNode> services, List<ObjectNode> taxonomies,
               List<ObjectNode> terms) {

    DataSet {
        organizations = List.copyOf(organizations);
        services = List.copyOf(services);
        taxonomies = List.copyOf(taxonomies);
        terms = List.copyOf(terms);
    }

    @Override
    public String toString() {
        return "DataSet[" + organizations.size() + " organizations, " + services.size() + " services, "
            + terms.size() + " terms]";
    }
}
