package dev.bgrun.orchestrator.project;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bgrun.orchestrator.config.ConfigException;
import dev.bgrun.orchestrator.config.ConfigProblem;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever bytes a project file holds, loading it gives a project or a {@link ConfigException} whose every
 * problem has a line and column: never another exception, never an unlocated error.
 * <p>
 * In a normal test run this replays the committed inputs under {@code LoaderFuzzTestInputs/} (a corpus made
 * by fuzzing, including the input that crashes tomlj with an AssertionError). {@code scripts/fuzz.sh} runs the
 * fuzzer itself, which mutates those inputs for as long as it is given.
 */
class LoaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void loadingNeverFailsUnlocated(byte[] input) {
        try {
            Project project = ProjectLoader.parse(ProjectLoader.decode(input, "fuzz.toml"), Path.of("/fuzz/bgrun.toml"), "fuzz.toml");
            assertThat(project.jobs()).isNotEmpty();
            assertThat(project.graph().layers().stream().mapToInt(java.util.List::size).sum()).isEqualTo(project.jobs().size());
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty();
            for (ConfigProblem problem : e.problems()) {
                assertThat(problem.position().known()).as(problem.render()).isTrue();
                assertThat(problem.message()).as(problem.render()).isNotBlank();
            }
        }
    }
}
