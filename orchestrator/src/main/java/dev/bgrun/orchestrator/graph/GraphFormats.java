package dev.bgrun.orchestrator.graph;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Renders a job graph as Graphviz DOT or a Mermaid flowchart; edges point from a dependency to its dependent. */
public final class GraphFormats {
    private GraphFormats() {
    }

    public static String dot(String workspace, JobGraph graph, List<String> jobs) {
        StringBuilder out = new StringBuilder("digraph ").append(quote(workspace)).append(" {\n");
        out.append("  rankdir=LR;\n  node [shape=box];\n");
        for (String job : jobs) {
            out.append("  ").append(quote(job)).append(";\n");
        }
        for (JobGraph.Edge e : edges(graph, jobs)) {
            out.append("  ").append(quote(e.dependency())).append(" -> ").append(quote(e.dependent()))
                    .append(" [label=").append(quote(e.condition().keyword())).append("];\n");
        }
        return out.append("}\n").toString();
    }

    public static String mermaid(JobGraph graph, List<String> jobs) {
        // Mermaid ids cannot hold every character a job name can, so nodes get generated ids and a label.
        Map<String, String> ids = new HashMap<>();
        StringBuilder out = new StringBuilder("flowchart LR\n");
        for (String job : jobs) {
            String id = "j" + ids.size();
            ids.put(job, id);
            out.append("  ").append(id).append("[\"").append(job).append("\"]\n");
        }
        for (JobGraph.Edge e : edges(graph, jobs)) {
            out.append("  ").append(ids.get(e.dependency())).append(" -->|").append(e.condition().keyword())
                    .append("| ").append(ids.get(e.dependent())).append('\n');
        }
        return out.toString();
    }

    private static List<JobGraph.Edge> edges(JobGraph graph, List<String> jobs) {
        return graph.edges().stream().filter(e -> jobs.contains(e.dependency()) && jobs.contains(e.dependent())).toList();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
