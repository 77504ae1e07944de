package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the supervisor owns beyond the races (those are in SupervisorStressIT): the variables it gives each
 * incarnation, success-exit-codes, a program that cannot be run, restart's answer, the spawn path's shape, and
 * the daemon's own health check.
 */
class SupervisorIT {
    @TempDir
    Path tmp;

    @Test
    void eachIncarnationKnowsItsNumberAndRestartCount() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "counted", "--restart", "on-failure", "--max-restarts", "2", "--backoff-ms", "10", "--",
                    "sh -c 'echo inc=$BGRUN_INCARNATION restarts=$BGRUN_RESTART_COUNT; exit 1'");
            JsonNode failed = d.awaitState("counted", "failed");
            assertThat(failed.get("incarnation").asInt()).isEqualTo(3);
            List<String> lines = d.json("tail", "counted").get("lines").findValuesAsText("content");
            assertThat(lines).containsExactly("inc=1 restarts=0", "inc=2 restarts=1", "inc=3 restarts=2");
        }
    }

    @Test
    void successExitCodesCountAsSuccessForStatesRestartsAndDependencies() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "three", "--success-exit-codes", "0", "--success-exit-codes", "3", "--restart", "on-failure",
                    "--", "sh -c 'exit 3'");
            JsonNode three = d.awaitState("three", "exited");
            assertThat(three.get("exit_code").asInt()).isEqualTo(3);
            assertThat(three.get("incarnation").asInt()).isEqualTo(1); // not restarted

            BgrunProcess.project(d.work, """
                    [jobs.seed]
                    cmd = "exit 3"
                    oneshot = true
                    success-exit-codes = [3]

                    [jobs.app]
                    cmd = "sleep 300"
                    after = { seed = "completed" }
                    """);
            JsonNode group = d.json("run-group", "app", "--timeout", "60s");
            assertThat(group.get("ok").asBoolean()).as(group.toString()).isTrue();
            d.bgrunLines("list").forEach(d::remember);
            assertThat(d.status("app").get("state").asText()).isEqualTo("ready");
        }
    }

    @Test
    void aProgramThatCannotBeRunFailsAtOnceWithTheReason() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Result run = d.bgrun("run", "--name", "missing", "--restart", "always", "--", "no-such-program-xyz", "arg");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(127);
            JsonNode job = Daemon.JSON.readTree(run.err()).get("error").get("details");
            assertThat(run.err()).contains("\"type\":\"ExecFailed\"");
            assertThat(job.get("state").asText()).isEqualTo("failed");
            assertThat(job.get("exit_code").asInt()).isEqualTo(127);
            assertThat(job.get("reason").asText())
                    .isEqualTo("could not start: cannot run no-such-program-xyz: No such file or directory");
            assertThat(d.status("missing").get("incarnation").asInt()).isEqualTo(1); // not restarted
        }
    }

    @Test
    void restartSaysWhichIncarnationItEndedAndBegan() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode first = d.run("--name", "r", "--", "sleep", "300");
            JsonNode restarted = d.json("restart", "r");
            d.remember(restarted);
            assertThat(restarted.get("previous_incarnation").asInt()).isEqualTo(1);
            assertThat(restarted.get("stopped_previous").asBoolean()).isTrue();
            assertThat(restarted.get("incarnation").asInt()).isEqualTo(2);
            assertThat(Daemon.alive(first.get("pid").asLong())).isFalse();
            d.json("stop", "r");
            JsonNode again = d.json("restart", "r");
            d.remember(again);
            assertThat(again.get("stopped_previous").asBoolean()).isFalse();
            assertThat(again.get("incarnation").asInt()).isEqualTo(3);
        }
    }

    @Test
    void oneShimPerIncarnationWithAShortCommandLineAndNoDeadlock() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode job = d.run("--name", "plain", "--", "sleep", "301");
            long pid = job.get("pid").asLong();
            long parent = Long.parseLong(field(pid, 4));
            List<String> shim = List.of(Files.readString(Path.of("/proc", Long.toString(parent), "cmdline")).split("\0"));
            assertThat(Path.of(shim.getFirst()).getFileName().toString()).startsWith("bgrun-shim-");
            assertThat(shim).hasSize(3).endsWith(d.home.resolve("jobs").resolve(job.get("id").asText()).toString(), "1");
            // The job leads its own session and group; the shim is outside both.
            assertThat(field(pid, 5)).isEqualTo(Long.toString(pid)); // process group
            assertThat(field(pid, 6)).isEqualTo(Long.toString(pid)); // session
            assertThat(field(parent, 5)).isNotEqualTo(Long.toString(pid));
            assertThat(field(parent, 6)).isNotEqualTo(Long.toString(pid));
            assertThat(d.json("daemon", "status").get("deadlocked_threads").isEmpty()).isTrue();
        }
    }

    @Test
    void noDepsInACopyNeedsTheDependencyInThatCopy() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    workspace = "shop"
                    [jobs.db]
                    cmd = "sleep 300"
                    [jobs.web]
                    cmd = "sleep 300"
                    after = ["db"]
                    """);
            assertThat(d.json("run-group", "--timeout", "60s").get("ok").asBoolean()).isTrue();
            Result copy = d.bgrun("run-group", "-w", "copy2", "--no-deps", "web");
            assertThat(copy.exitCode()).as(copy.toString()).isEqualTo(1);
            assertThat(copy.err()).contains("\"type\":\"JobNotFound\"", "db");
            assertThat(d.bgrun("list", "--workspace", "copy2").out()).isEmpty();
        }
    }

    /** Field {@code n} (1-based, as in proc(5)) of /proc/PID/stat. */
    private static String field(long pid, int n) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[n - 3];
    }
}
