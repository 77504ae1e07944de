package dev.bgrun.orchestrator.project;

import dev.bgrun.orchestrator.graph.JobGraph;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Projects of 10,000 jobs load and check. No timing here (scripts/bench/config-check.sh measures that):
 * the point is that every step of loading runs at this size, where a quadratic one (sorting by
 * {@code List.indexOf}, walking every ancestor for each {@code ${job.VAR}}) took half a minute.
 */
class LargeProjectTest {
    private static final int JOBS = 10_000;

    /** Job i waits for {@code deps(i)} and refers to the first one's PORT, as a real stack would. */
    private static String project(java.util.function.IntFunction<int[]> deps) {
        StringBuilder toml = new StringBuilder("workspace = \"big\"\n");
        for (int i = 0; i < JOBS; i++) {
            toml.append("[jobs.j").append(i).append("]\ncmd = \"sleep 600\"\nallocate-port = [\"PORT\"]\n");
            int[] after = deps.apply(i);
            if (after.length > 0) {
                toml.append("after = [");
                for (int d : after) {
                    toml.append("\"j").append(d).append("\",");
                }
                toml.append("]\nenv = { UP = \"${j").append(after[0]).append(".PORT}\" }\n");
            }
        }
        return toml.toString();
    }

    @Test
    void aChainOfTenThousandJobs() {
        Project p = ProjectLoader.parse(project(i -> i == 0 ? new int[0] : new int[]{i - 1}), Path.of("bgrun.toml"), "bgrun.toml");
        JobGraph graph = p.graph();
        assertThat(p.jobs()).hasSize(JOBS);
        assertThat(graph.layers()).hasSize(JOBS);
        assertThat(graph.edges()).hasSize(JOBS - 1);
        assertThat(graph.edges().getLast().dependent()).isEqualTo("j" + (JOBS - 1));
        assertThat(graph.cycles()).isEmpty();
        assertThat(graph.dependsOn("j" + (JOBS - 1), "j0")).isTrue();
        assertThat(graph.dependsOn("j0", "j1")).isFalse();
        assertThat(graph.stopLayers(p.jobs().keySet()).getFirst()).containsExactly("j" + (JOBS - 1));
    }

    @Test
    void tenThousandJobsWithRandomDependencies() {
        Random random = new Random(7);
        Project p = ProjectLoader.parse(project(i -> random.ints(Math.min(i, 3), 0, Math.max(i, 1)).distinct().toArray()),
                Path.of("bgrun.toml"), "bgrun.toml");
        assertThat(p.jobs()).hasSize(JOBS);
        assertThat(p.graph().layers().stream().mapToInt(java.util.List::size).sum()).isEqualTo(JOBS);
        assertThat(p.graph().withDependencies(java.util.List.of("j" + (JOBS - 1)))).first().isEqualTo("j0");
    }
}
