package dev.bgrun.orchestrator.graph;

import dev.bgrun.orchestrator.project.Project;
import dev.bgrun.orchestrator.project.ProjectLoader;
import org.junit.jupiter.api.Test;

import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.JobSpecReader;
import dev.bgrun.orchestrator.config.Position;
import dev.bgrun.orchestrator.config.Problems;
import dev.bgrun.orchestrator.config.RawTable;
import dev.bgrun.orchestrator.config.RawValue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobGraphTest {
    /**
     * <pre>
     *   db     cache
     *   |  \     |
     *   |  migrate
     *   |   /    |
     *   api      |
     *   |       /
     *   worker-+       docs (alone)
     * </pre>
     */
    private static final String STACK = """
            [jobs.db]
            cmd = "db"
            [jobs.cache]
            cmd = "cache"
            [jobs.migrate]
            cmd = "migrate"
            oneshot = true
            after = ["db", "cache"]
            [jobs.api]
            cmd = "api"
            after = { db = "ready", migrate = "completed" }
            [jobs.worker]
            cmd = "worker"
            after = ["api", "migrate"]
            [jobs.docs]
            cmd = "docs"
            """;

    private static JobGraph graph() {
        Project project = ProjectLoader.parse(STACK, Path.of("/x/bgrun.toml"), "bgrun.toml");
        return project.graph();
    }

    @Test
    void layersPutIndependentJobsTogether() {
        assertThat(graph().layers()).containsExactly(
                List.of("db", "cache", "docs"), List.of("migrate"), List.of("api"), List.of("worker"));
    }

    @Test
    void selectionBringsItsTransitiveDependencies() {
        JobGraph graph = graph();
        assertThat(graph.withDependencies(List.of("api"))).containsExactly("db", "cache", "migrate", "api");
        assertThat(graph.withDependencies(List.of("docs"))).containsExactly("docs");
        assertThat(graph.layers(graph.withDependencies(List.of("api"))))
                .containsExactly(List.of("db", "cache"), List.of("migrate"), List.of("api"));
    }

    @Test
    void layersOfASubsetIgnoreEdgesLeavingIt() {
        assertThat(graph().layers(List.of("api", "worker"))).containsExactly(List.of("api"), List.of("worker"));
    }

    @Test
    void stopOrderIsTheStartOrderReversed() {
        JobGraph graph = graph();
        assertThat(graph.stopLayers(graph.jobs())).containsExactly(
                List.of("worker"), List.of("api"), List.of("migrate"), List.of("db", "cache", "docs"));
    }

    @Test
    void edgesCarryTheirSettledCondition() {
        JobGraph graph = graph();
        assertThat(graph.dependenciesOf("worker")).extracting(e -> e.dependency() + ":" + e.condition().keyword())
                .containsExactly("migrate:completed", "api:ready");
        assertThat(graph.dependentsOf("db")).extracting(JobGraph.Edge::dependent).containsExactly("migrate", "api");
        assertThat(graph.dependsOn("worker", "cache")).isTrue();
        assertThat(graph.dependsOn("cache", "worker")).isFalse();
        assertThat(graph.ancestors("docs")).isEmpty();
    }

    @Test
    void aDependencyNamedTwiceIsOneEdge() {
        Map<String, JobSpec> jobs = specs("[jobs.db]\ncmd = \"db\"\n[jobs.api]\ncmd = \"api\"\nafter = [\"db\", \"db\"]\n");
        JobGraph graph = JobGraph.of(jobs);
        assertThat(graph.edges()).extracting(e -> e.dependency() + "->" + e.dependent()).containsExactly("db->api");
        assertThat(graph.layers()).containsExactly(List.of("db"), List.of("api"));
    }

    @Test
    void aCyclicGraphNamesItsCyclesAndHasNoLayers() {
        // The loader refuses such a file, so the specs are read past it: the daemon builds graphs of ad-hoc jobs too.
        Map<String, JobSpec> jobs = specs("[jobs.a]\ncmd = \"a\"\nafter = [\"b\"]\n[jobs.b]\ncmd = \"b\"\nafter = [\"a\"]\n"
                + "[jobs.c]\ncmd = \"c\"\nafter = [\"a\"]\n[jobs.d]\ncmd = \"d\"\n");
        JobGraph graph = JobGraph.of(jobs);
        assertThat(graph.cycles()).containsExactly(List.of("a", "b", "a"));
        assertThatThrownBy(graph::layers).isInstanceOf(IllegalStateException.class);
        assertThat(graph.layers(List.of("c", "d"))).containsExactly(List.of("c", "d"));
        assertThat(graph.dependsOn("c", "b")).isTrue();
    }

    /** The specs of a file's jobs, read one by one (no checks across jobs). */
    private static Map<String, JobSpec> specs(String toml) {
        Map<String, JobSpec> jobs = new LinkedHashMap<>();
        var table = org.tomlj.Toml.parse(toml).getTable("jobs");
        JobSpecReader reader = new JobSpecReader(new Problems("bgrun.toml"));
        for (String name : table.keySet()) {
            RawTable raw = new RawTable("jobs." + name, new Position(1, 1));
            var job = table.getTable(name);
            for (String key : job.keySet()) {
                Object value = job.get(List.of(key));
                raw.put(key, new RawValue(value instanceof org.tomlj.TomlArray a ? a.toList() : value, new Position(1, 1)));
            }
            jobs.put(name, reader.read(name, raw, Map.of()));
        }
        return jobs;
    }

    @Test
    void rendersDotAndMermaid() {
        JobGraph graph = graph();
        List<String> jobs = List.copyOf(graph.withDependencies(List.of("migrate")));
        assertThat(GraphFormats.dot("shop", graph, jobs)).isEqualTo("""
                digraph "shop" {
                  rankdir=LR;
                  node [shape=box];
                  "db";
                  "cache";
                  "migrate";
                  "db" -> "migrate" [label="ready"];
                  "cache" -> "migrate" [label="ready"];
                }
                """);
        assertThat(GraphFormats.mermaid(graph, jobs)).isEqualTo("""
                flowchart LR
                  j0["db"]
                  j1["cache"]
                  j2["migrate"]
                  j0 -->|ready| j2
                  j1 -->|ready| j2
                """);
    }
}
