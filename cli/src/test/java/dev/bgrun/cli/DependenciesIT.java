package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * after conditions, waiting and blocked, run-group and run --after against real jobs. Jobs that must not be
 * ready yet wait for a file the test creates ("the gate"), so every order asserted here is forced, not timed.
 */
class DependenciesIT {
    /** A job that starts at once but is ready only once the file {@code go} exists in its directory. */
    private static final String GATED = "while [ ! -f go ]; do sleep 0.05; done; echo open; exec sleep 300";

    @TempDir
    Path tmp;

    @Test
    void everyConditionHoldsExactlyWhenItShould() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    workspace = "conds"
                    [jobs.gate]
                    cmd = "%s"
                    ready-when = "open"
                    [jobs.early]
                    cmd = "exec sleep 300"
                    after = { gate = "started" }
                    [jobs.late]
                    cmd = "exec sleep 300"
                    after = { gate = "ready" }
                    [jobs.task]
                    cmd = "echo task-done"
                    oneshot = true
                    after = ["gate"]
                    [jobs.after-task]
                    cmd = "exec sleep 300"
                    after = ["task"]
                    [jobs.crash]
                    cmd = "echo crashing; exit 4"
                    after = ["late"]
                    [jobs.cleanup]
                    cmd = "exec sleep 300"
                    after = { crash = "exited" }
                    [jobs.needs-success]
                    cmd = "exec sleep 300"
                    after = { crash = "completed" }
                    """.formatted(GATED));
            JsonNode submitted = d.json("run-group", "--detach");
            assertThat(submitted.get("detached").asBoolean()).isTrue();
            for (JsonNode job : submitted.get("jobs")) {
                if (job.get("name").asText().equals("early")) {
                    continue; // gate's start may already have let it go
                }
                // --detach returns once what can start is spawned: gate runs, the rest wait.
                assertThat(job.get("state").asText()).as(job.get("name").asText())
                        .isEqualTo(job.get("name").asText().equals("gate") ? "running" : "waiting");
            }

            // started holds while gate is not ready; ready and completed do not.
            d.awaitState("early", "ready");
            assertThat(d.status("gate").get("state").asText()).isEqualTo("running");
            for (String waiting : List.of("late", "task", "after-task", "crash", "cleanup", "needs-success")) {
                JsonNode job = d.status(waiting);
                assertThat(job.get("state").asText()).as(waiting).isEqualTo("waiting");
                assertThat(job.get("pid").isNull()).as(waiting).isTrue();
            }

            Files.writeString(d.work.resolve("go"), "");
            d.awaitState("late", "ready");
            d.awaitState("task", "exited");
            d.awaitState("after-task", "ready"); // a oneshot dependency's default condition is "completed"
            d.awaitState("crash", "failed");
            d.awaitState("cleanup", "ready"); // exited holds for any exit
            JsonNode blocked = d.awaitState("needs-success", "blocked");
            assertThat(blocked.get("reason").asText()).isEqualTo("blocked: crash will not complete: it is failed (exited with code 4)");
            assertThat(blocked.get("blocked_by").get("job").asText()).isEqualTo("crash");
            assertThat(blocked.get("pid").isNull()).isTrue();

            // A dependent starts only after its condition: the late job after gate's ready time.
            JsonNode gate = d.status("gate");
            assertThat(Instant.parse(d.status("late").get("started_at").asText()))
                    .isAfterOrEqualTo(Instant.parse(gate.get("ready_at").asText()));
            assertThat(Instant.parse(d.status("early").get("started_at").asText()))
                    .isBefore(Instant.parse(gate.get("ready_at").asText()));
        }
    }

    @Test
    void aFailureBlocksThreeLevelsOfDependentsWithTheRootCauseAndTheReportShowsIt() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    workspace = "chain"
                    [jobs.root]
                    cmd = "echo connecting; echo 'fatal: no database' >&2; exit 3"
                    oneshot = true
                    restart = "on-failure"
                    max-restarts = 2
                    backoff-ms = 50
                    [jobs.b]
                    cmd = "exec sleep 300"
                    after = ["root"]
                    [jobs.c]
                    cmd = "exec sleep 300"
                    after = ["b"]
                    [jobs.d]
                    cmd = "exec sleep 300"
                    after = { c = "started" }
                    [jobs.other]
                    cmd = "exec sleep 300"
                    """);
            Result r = d.bgrun("run-group", "d");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            JsonNode result = Daemon.JSON.readTree(r.out());
            assertThat(result.get("ok").asBoolean()).isFalse();
            assertThat(result.get("failure").get("job").asText()).isEqualTo("root");
            assertThat(result.get("failure").get("exit_code").asInt()).isEqualTo(3);
            assertThat(result.get("failure").get("reason").asText()).contains("gave up after 2 restarts");
            assertThat(texts(result.get("failure").get("last_lines"), "content")).containsExactly("connecting", "fatal: no database");
            assertThat(texts(result.get("blocked"), null)).containsExactly("b", "c", "d");
            assertThat(texts(result.get("jobs"), "name")).containsExactly("root", "b", "c", "d"); // not "other"

            // Each blocked job names the root cause; b waited through root's restarts and was blocked only after.
            JsonNode root = d.status("root");
            assertThat(root.get("restart_count").asInt()).isEqualTo(2);
            for (String name : List.of("b", "c", "d")) {
                JsonNode job = d.status(name);
                assertThat(job.get("state").asText()).isEqualTo("blocked");
                assertThat(job.get("blocked_by").get("job").asText()).isEqualTo("root");
                assertThat(job.get("reason").asText()).contains(name.equals("b") ? "root will not complete" : "root cause: root failed");
                assertThat(texts(job.get("transitions"), "to")).containsExactly("waiting", "blocked");
            }
            assertThat(d.status("c").get("reason").asText())
                    .isEqualTo("blocked: b will not become ready: it is blocked; root cause: root failed (exited with code 3; gave up after 2 restarts (max-restarts))");
            assertThat(Instant.parse(d.status("b").get("ended_at").asText()))
                    .isAfterOrEqualTo(Instant.parse(root.get("ended_at").asText()));

            // The human report: the failing job, its last lines, what it blocked; on stderr, exit 1.
            Result human = d.bgrun("--no-json", "run-group", "d");
            assertThat(human.exitCode()).isEqualTo(1);
            assertThat(human.err()).contains("✗ failed after", "root failed (exited with code 3",
                    "    connecting", "    fatal: no database", "blocked by it: b, c, d");
            assertThat(human.out()).contains("root", "blocked");
        }
    }

    @Test
    void independentJobsStartInParallelAndTheGroupWaitsForAllOfThem() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    workspace = "par"
                    [jobs.a]
                    cmd = "%1$s"
                    ready-when = "open"
                    [jobs.b]
                    cmd = "%1$s"
                    ready-when = "open"
                    [jobs.c]
                    cmd = "%1$s"
                    ready-when = "open"
                    [jobs.top]
                    cmd = "exec sleep 300"
                    after = ["a", "b", "c"]
                    """.formatted(GATED));
            d.json("run-group", "--detach");
            // All three run at once while none is ready: a one-by-one start would wait for a's readiness.
            for (String name : List.of("a", "b", "c")) {
                d.awaitState(name, "running");
            }
            for (String name : List.of("a", "b", "c")) {
                assertThat(d.status(name).get("state").asText()).isEqualTo("running");
            }
            assertThat(d.status("top").get("state").asText()).isEqualTo("waiting");
            d.json("stop", "top");

            Files.writeString(d.work.resolve("go"), "");
            Result r = d.bgrun("run-group", "a", "b", "c", "--json", "--stream");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            List<JsonNode> items = ndjson(r.out());
            JsonNode result = items.getLast();
            assertThat(result.get("type").asText()).isEqualTo("result");
            assertThat(result.get("ok").asBoolean()).isTrue();
            for (JsonNode job : result.get("jobs")) {
                assertThat(job.get("reached").asBoolean()).isTrue();
                assertThat(job.get("reused").asBoolean()).isTrue(); // alive jobs are reused, not started again
            }
        }
    }

    @Test
    void streamedTransitionsComeInOrderAndAChainOfTenComesUp() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            StringBuilder toml = new StringBuilder("workspace = \"ten\"\n");
            for (int i = 0; i < 10; i++) {
                toml.append("[jobs.j").append(i).append("]\ncmd = \"echo up").append(i).append("; exec sleep 300\"\n")
                        .append("ready-when = \"up").append(i).append("\"\n");
                if (i > 0) {
                    toml.append("after = [\"j").append(i - 1).append("\"]\n");
                }
            }
            BgrunProcess.project(d.work, toml.toString());
            Result r = d.bgrun("run-group", "j9", "--json", "--stream");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            List<JsonNode> items = ndjson(r.out());
            List<String> readyOrder = new ArrayList<>();
            for (JsonNode item : items) {
                if (item.get("type").asText().equals("transition") && item.get("to").asText().equals("ready")) {
                    readyOrder.add(item.get("job").asText());
                }
            }
            assertThat(readyOrder).containsExactly("j0", "j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8", "j9");
            JsonNode startOfJ5 = items.stream().filter(i -> "j5".equals(i.path("job").asText()) && "starting".equals(i.path("to").asText()))
                    .findFirst().orElseThrow();
            JsonNode readyOfJ4 = items.stream().filter(i -> "j4".equals(i.path("job").asText()) && "ready".equals(i.path("to").asText()))
                    .findFirst().orElseThrow();
            assertThat(items.indexOf(startOfJ5)).isGreaterThan(items.indexOf(readyOfJ4));
            assertThat(items.getLast().get("ok").asBoolean()).isTrue();

            // Without --stream, JSON mode prints one result object.
            Result again = d.bgrun("run-group", "j9");
            assertThat(again.out().strip().lines().count()).isEqualTo(1);
        }
    }

    @Test
    void runAfterWaitsForAJobThatRunsAndRefusesOneThatDoesNot() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "dep", "--ready-when", "open", "--", GATED);
            JsonNode waiting = d.run("--name", "x", "--after", "dep", "--", "sh", "-c", "echo dep-was-ready; exec sleep 300");
            assertThat(waiting.get("state").asText()).isEqualTo("waiting");
            assertThat(waiting.get("reason").asText()).isEqualTo("waiting for dep (ready)");
            assertThat(d.status("dep").get("state").asText()).isEqualTo("running");
            assertThat(d.status("x").get("state").asText()).isEqualTo("waiting");

            Files.writeString(d.work.resolve("go"), "");
            d.awaitState("x", "ready");
            assertThat(Instant.parse(d.status("x").get("started_at").asText()))
                    .isAfterOrEqualTo(Instant.parse(d.status("dep").get("ready_at").asText()));

            Result missing = d.bgrun("run", "--name", "y", "--after", "nosuch", "--", "true");
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.err()).contains("\"type\":\"JobNotFound\"", "after: no job \\\"nosuch\\\" in workspace");
            assertThat(d.bgrun("status", "y").exitCode()).isEqualTo(1); // nothing was created

            // A waiting job stopped by the user is stopped, not started later.
            d.run("--name", "dep2", "--ready-when", "never-printed", "--", "exec sleep 300");
            d.run("--name", "z", "--after", "dep2", "--", "exec sleep 300");
            d.json("stop", "z");
            assertThat(d.status("z").get("state").asText()).isEqualTo("stopped");
        }
    }

    @Test
    void aWaitingJobSurvivesAKilledDaemonAndStartsUnderTheNextOne() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "dep", "--ready-when", "open", "--", GATED);
            d.run("--name", "x", "--after", "dep", "--", "exec sleep 300");
            long daemon = d.daemonPid();
            assertThat(new ProcessBuilder("kill", "-9", Long.toString(daemon)).start().waitFor()).isZero();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !Daemon.alive(daemon));
            // dep becomes ready while no daemon watches; the next daemon sees it and starts x.
            Files.writeString(d.work.resolve("go"), "");
            JsonNode x = d.awaitState("x", "ready");
            assertThat(d.daemonPid()).isNotEqualTo(daemon);
            assertThat(Instant.parse(x.get("started_at").asText()))
                    .isAfterOrEqualTo(Instant.parse(d.status("dep").get("ready_at").asText()));
        }
    }

    @Test
    void badSelectionsAndTimeoutsGetClearAnswers() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    workspace = "bad"
                    [jobs.web]
                    cmd = "%s"
                    ready-when = "open"
                    [jobs.api]
                    cmd = "exec sleep 300"
                    after = ["web"]
                    """.formatted(GATED));
            Result unknown = d.bgrun("run-group", "wbe");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).contains("JobNotFound", "did you mean \\\"web\\\"?");

            Result noDeps = d.bgrun("run-group", "api", "--no-deps");
            assertThat(noDeps.exitCode()).isEqualTo(1);
            assertThat(noDeps.err()).contains("api waits for \\\"web\\\", which is neither in the group nor a job in workspace bad");
            assertThat(d.bgrun("list").out()).isBlank(); // nothing was started

            Result timedOut = d.bgrun("run-group", "--timeout", "1s");
            assertThat(timedOut.exitCode()).as(timedOut.toString()).isEqualTo(124);
            JsonNode result = Daemon.JSON.readTree(timedOut.out());
            assertThat(result.get("timed_out").asBoolean()).isTrue();
            assertThat(texts(result.get("pending"), null)).containsExactly("web", "api");

            Result badTimeout = d.bgrun("run-group", "--timeout", "soon");
            assertThat(badTimeout.exitCode()).isEqualTo(2);
        }
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(field == null ? n.asText() : n.get(field).asText()));
        return out;
    }

    static List<JsonNode> ndjson(String text) throws IOException {
        List<JsonNode> items = new ArrayList<>();
        for (String line : text.strip().split("\n")) {
            items.add(Daemon.JSON.readTree(line));
        }
        return items;
    }
}
