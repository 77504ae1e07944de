package dev.bgrun.cli.config;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.graph.GraphFormats;
import dev.bgrun.orchestrator.graph.JobGraph;
import dev.bgrun.orchestrator.project.Project;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bgrun config graph}: the dependency graph as start layers, DOT or Mermaid. */
@Command(name = "graph", description = "Show the dependency graph: start layers (jobs of a layer start in parallel), DOT or Mermaid.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun config graph", "  bgrun config graph web            web and everything it waits for",
                "  bgrun config graph --format dot | dot -Tsvg > graph.svg",
                "  bgrun config graph --format mermaid"})
public final class ConfigGraphCommand implements Runnable {
    enum Format { text, json, dot, mermaid }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JOB", arity = "0..*", description = "Only these jobs and what they wait for.")
    private List<String> selection = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "text, json, dot or mermaid (default: text on a terminal, json otherwise).")
    private Format format;

    @Override
    public void run() {
        Project project = ProjectArgs.load(spec);
        ProjectArgs.requireJobs(project, selection);
        Output out = ProjectArgs.root(spec).output();
        JobGraph graph = project.graph();
        List<String> jobs = List.copyOf(selection.isEmpty() ? graph.jobs() : graph.withDependencies(selection));
        Format chosen = format != null ? format : out.json() ? Format.json : Format.text;
        switch (chosen) {
            case dot -> out.line(GraphFormats.dot(project.workspace(), graph, jobs).stripTrailing());
            case mermaid -> out.line(GraphFormats.mermaid(graph, jobs).stripTrailing());
            case json -> out.data(json(project, graph, jobs));
            case text -> text(out, project, graph, jobs);
        }
    }

    private static Map<String, Object> json(Project project, JobGraph graph, List<String> jobs) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workspace", project.workspace());
        data.put("jobs", jobs);
        data.put("layers", graph.layers(jobs));
        data.put("edges", graph.edges().stream()
                .filter(e -> jobs.contains(e.dependent()))
                .map(ConfigGraphCommand::edge)
                .toList());
        return data;
    }

    private static Map<String, Object> edge(JobGraph.Edge e) {
        Map<String, Object> edge = new LinkedHashMap<>();
        edge.put("from", e.dependency());
        edge.put("to", e.dependent());
        edge.put("condition", e.condition().keyword());
        return edge;
    }

    private static void text(Output out, Project project, JobGraph graph, List<String> jobs) {
        List<List<String>> layers = graph.layers(jobs);
        out.line("workspace " + out.bold(project.workspace()) + ": " + jobs.size() + (jobs.size() == 1 ? " job" : " jobs")
                + " in " + layers.size() + (layers.size() == 1 ? " start layer" : " start layers"));
        int width = jobs.stream().mapToInt(String::length).max().orElse(0);
        for (int i = 0; i < layers.size(); i++) {
            for (String job : layers.get(i)) {
                List<String> waits = graph.dependenciesOf(job).stream()
                        .map(e -> e.dependency() + " (" + e.condition().keyword() + ")").toList();
                String name = out.cyan(job) + " ".repeat(width - job.length());
                String oneshot = project.job(job).oneshot() ? out.dim(" [oneshot]") : "";
                out.line(String.format("  %2d  %s%s%s", i + 1, name,
                        waits.isEmpty() ? "" : "  " + out.dim("after ") + String.join(", ", waits), oneshot).stripTrailing());
            }
        }
    }
}
