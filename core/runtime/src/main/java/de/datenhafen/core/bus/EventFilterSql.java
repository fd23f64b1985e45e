package de.datenhafen.core.bus;

import java.util.List;

/** An {@link EventFilter} as the SQL condition on {@code bus_event} that the log's reads and counts share. */
final class EventFilterSql {

    private EventFilterSql() {
    }

    /**
     * Appends {@code AND ...} conditions for the filter's types and subject prefix to {@code sql}, and their
     * parameters, in order, to {@code params}. Appends nothing for a filter that matches everything.
     */
    static void appendConditions(EventFilter filter, StringBuilder sql, List<String> params) {
        List<String> patterns = filter.typePatterns();
        if (!patterns.isEmpty() && !patterns.contains("*")) {
            sql.append(" AND (");
            for (int i = 0; i < patterns.size(); i++) {
                String p = patterns.get(i);
                sql.append(i == 0 ? "" : " OR ");
                if (p.endsWith("*")) {
                    sql.append("type LIKE ? ESCAPE '\\'");
                    params.add(likeEscape(p.substring(0, p.length() - 1)) + "%");
                } else {
                    sql.append("type = ?");
                    params.add(p);
                }
            }
            sql.append(")");
        }
        if (filter.subjectPrefix() != null) {
            sql.append(" AND subject LIKE ? ESCAPE '\\'");
            params.add(likeEscape(filter.subjectPrefix()) + "%");
        }
    }

    static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
