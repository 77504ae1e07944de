package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A job whose program cannot be found or run fails at start, exit 127 and the reason, for run, run-group and up. */
class ExecFailureIT {
    private static final String NOT_FOUND = "could not start: cannot run nosuch-xyz: command not found (not in the job's PATH)";

    @TempDir
    Path tmp;

    @Test
    void runOfAShellCommandThatCannotBeFoundOrRunFailsAt127() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Result human = d.bgrun("run", "--no-json", "--name", "missing", "--restart", "always", "nosuch-xyz --port 3");
            assertThat(human.exitCode()).as(human.toString()).isEqualTo(127);
            assertThat(human.out()).isEmpty();
            assertThat(human.err()).contains("error: job missing " + NOT_FOUND);
            JsonNode job = d.status("missing");
            assertThat(job.get("state").asText()).isEqualTo("failed");
            assertThat(job.get("exit_code").asInt()).isEqualTo(127);
            assertThat(job.get("incarnation").asInt()).isEqualTo(1); // not restarted: it would fail the same way

            Files.writeString(d.work.resolve("plain.sh"), "echo hi\n"); // not executable
            Result json = d.bgrun("run", "./plain.sh");
            assertThat(json.exitCode()).as(json.toString()).isEqualTo(127);
            JsonNode error = Daemon.JSON.readTree(json.err()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("ExecFailed");
            assertThat(error.get("details").get("reason").asText()).isEqualTo("could not start: cannot run ./plain.sh: Permission denied");
        }
    }

    @Test
    void runGroupAndUpFailTheJobWithTheReasonAndExit127() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    [jobs.db]
                    cmd = "exec sleep 300"
                    [jobs.api]
                    cmd = "PORT=3000 nosuch-xyz serve"
                    after = ["db"]
                    [jobs.web]
                    cmd = "exec sleep 300"
                    after = ["api"]
                    """);
            Result group = d.bgrun("run-group", "web");
            assertThat(group.exitCode()).as(group.toString()).isEqualTo(127);
            d.bgrunLines("list").forEach(d::remember);
            JsonNode result = Daemon.JSON.readTree(group.out().lines().reduce((a, b) -> b).orElseThrow());
            assertThat(result.get("failure").get("job").asText()).isEqualTo("api");
            assertThat(result.get("failure").get("reason").asText()).isEqualTo(NOT_FOUND);
            assertThat(result.get("failure").get("exit_code").asInt()).isEqualTo(127);
            assertThat(result.get("blocked").toString()).isEqualTo("[\"web\"]");

            d.bgrun("stop", "--all");
            Result up = d.bgrun("up", "--no-json", "web");
            assertThat(up.exitCode()).as(up.toString()).isEqualTo(127);
            assertThat(up.err()).contains("failed after", "api failed (" + NOT_FOUND + ")", "blocked by it: web");
        }
    }
}
