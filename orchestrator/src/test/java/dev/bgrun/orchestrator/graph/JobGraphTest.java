package dev.bgrun.orchestrator.graph;

import dev.bgrun.orchestrator.project.Project;
import dev.bgrun.orchestrator.project.ProjectLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
