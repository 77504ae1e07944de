package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The stack commands end to end: the samples up and down, two copies side by side, up, exec and down. */
class StackIT {
    @TempDir
    Path tmp;

    @Test
    void theSamplesComeUpTwiceSideBySideAndGoDownLeavingNothing() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            String file = BgrunProcess.SAMPLES.resolve("bgrun.toml").toString();
            JsonNode first = upResult(d.bgrun("-f", file, "run-group"));
            JsonNode second = upResult(d.bgrun("-f", file, "run-group", "-w", "copy2"));
            int webPort1 = port(first, "web", "WEB_PORT");
            int webPort2 = port(second, "web", "WEB_PORT");
            assertThat(webPort1).isNotEqualTo(webPort2);
            assertThat(port(first, "db", "DB_PORT")).isNotEqualTo(port(second, "db", "DB_PORT"));
            HttpClient http = HttpClient.newHttpClient();
            for (int port : List.of(webPort1, webPort2)) {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
            }
            // The migration ran against each copy's own database (web reports the schema version it read).
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort2 + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("schema_version=3");

            List<Long> pids = new ArrayList<>();
            for (JsonNode job : d.bgrunLines("list")) {
                if (!job.get("pid").isNull()) {
                    pids.add(job.get("pid").asLong());
                }
            }
            assertThat(pids).hasSize(8);
            JsonNode down = d.json("-f", file, "down");
            assertThat(down.get("stopped")).hasSize(3); // db, web and worker; migrate had completed
            assertThat(d.status("copy2/web").get("state").asText()).isEqualTo("ready"); // the other copy runs on
            JsonNode down2 = d.json("-f", file, "down", "-w", "copy2", "--clean");
            assertThat(down2.get("removed")).hasSize(4);
            for (long pid : pids) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !Daemon.alive(pid));
            }
        }
    }

    @Test
    void downStopsDependentsBeforeTheirDependencies() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            String record = "trap 'echo %s >> order; exit 0' TERM; echo up; while true; do sleep 0.1; done";
            BgrunProcess.project(d.work, """
                    workspace = "order"
                    [jobs.db]
                    cmd = "%s"
                    ready-when = "up"
                    [jobs.api]
                    cmd = "%s"
                    ready-when = "up"
                    after = ["db"]
                    [jobs.web]
                    cmd = "%s"
                    ready-when = "up"
                    after = ["api"]
                    """.formatted(record.formatted("db"), record.formatted("api"), record.formatted("web")));
            upResult(d.bgrun("run-group"));
            d.json("down");
            assertThat(Files.readAllLines(d.work.resolve("order"))).containsExactly("web", "api", "db");
        }
    }

    @Test
    void execRunsTheCommandWithThePortsAndReturnsItsCode() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    workspace = "ex"
                    [jobs.db]
                    cmd = "echo db on $DB_PORT; exec sleep 300"
                    allocate-port = "DB_PORT"
                    ready-when = "db on"
                    [jobs.api]
                    cmd = "echo api; exec sleep 300"
                    allocate-port = "PORT"
                    after = ["db"]
                    [jobs.broken]
                    cmd = "echo broken for good >&2; exit 9"
                    oneshot = true
                    [jobs.needs-broken]
                    cmd = "exec sleep 300"
                    after = ["broken"]
                    """);
            Result r = d.bgrun("exec", "api", "--", "sh", "-c", "echo db=$DB_DB_PORT bare=$DB_PORT api=$API_PORT port=$PORT ws=$BGRUN_WORKSPACE > env.txt; exit 7");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
            String env = Files.readString(d.work.resolve("env.txt")).strip();
            assertThat(env).matches("db=(\\d+) bare=\\1 api=(\\d+) port=\\2 ws=ex");
            // What exec started, it stopped.
            assertThat(d.status("api").get("state").asText()).isEqualTo("stopped");
            assertThat(d.status("db").get("state").asText()).isEqualTo("stopped");

            // A job already running is reused and left running.
            d.run("db");
            d.awaitState("db", "ready");
            Result reused = d.bgrun("exec", "api", "--", "true");
            assertThat(reused.exitCode()).as(reused.toString()).isZero();
            assertThat(d.status("db").get("state").asText()).isEqualTo("ready");
            assertThat(d.status("api").get("state").asText()).isEqualTo("stopped");

            // When the stack cannot come up: exit 1, the report, and the command never runs.
            Result failed = d.bgrun("--no-json", "exec", "needs-broken", "--", "sh", "-c", "touch ran");
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
            assertThat(failed.err()).contains("broken failed (exited with code 9)", "broken for good",
                    "blocked by it: needs-broken", "the command was not run");
            assertThat(d.work.resolve("ran")).doesNotExist();

            Result usage = d.bgrun("exec", "api");
            assertThat(usage.exitCode()).isEqualTo(2);
            assertThat(usage.err()).contains("exec needs a command after --");
        }
    }

    @Test
    void upStreamsPrefixedOutputAndStopsWhatItStartedOnSigterm() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    workspace = "fg"
                    [jobs.db]
                    cmd = "echo db-line; exec sleep 300"
                    ready-when = "db-line"
                    [jobs.web]
                    cmd = "echo web-line; echo web-err >&2; exec sleep 300"
                    after = ["db"]
                    """);
            try (Background up = new Background(d.work, d.env(), "--no-json", "up")) {
                up.awaitLine("Ctrl-C stops");
                List<String> seen = up.lines();
                assertThat(seen).as(String.join("\n", seen)).contains("db  | db-line", "web | web-line", "web | web-err");
                assertThat(String.join("\n", seen)).contains("✓ 2 jobs up");
                assertThat(up.terminate()).as(String.join("\n", up.lines())).isZero();
                assertThat(up.lines()).contains("stopped");
            }
            assertThat(d.status("web").get("state").asText()).isEqualTo("stopped");
            assertThat(d.status("db").get("state").asText()).isEqualTo("stopped");
        }
    }

    @Test
    void upInterruptedBeforeTheStackIsUpStillStopsWhatItStarted() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    workspace = "early"
                    [jobs.db]
                    cmd = "echo booting; exec sleep 300"
                    ready-when = "never printed"
                    [jobs.web]
                    cmd = "exec sleep 300"
                    after = ["db"]
                    """);
            try (Background up = new Background(d.work, d.env(), "--no-json", "up")) {
                up.awaitLine("db  | booting");
                assertThat(d.status("web").get("state").asText()).isEqualTo("waiting");
                // Interrupted while coming up: 130, and a line for each job it stopped, dependents first.
                assertThat(up.terminate()).as(String.join("\n", up.lines())).isEqualTo(130);
                assertThat(up.lines()).as(String.join("\n", up.lines()))
                        .containsSubsequence("interrupted: stopping web, db...", "  web  stopped", "  db   stopped",
                                "interrupted; stopped 2 jobs");
            }
            assertThat(d.status("db").get("state").asText()).isEqualTo("stopped");
            assertThat(d.status("web").get("state").asText()).isEqualTo("stopped");
        }
    }

    @Test
    void upExitsOneAndStopsWhatItStartedWhenTheStackCannotComeUp() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            BgrunProcess.project(d.work, """
                    workspace = "fgfail"
                    [jobs.db]
                    cmd = "exec sleep 300"
                    [jobs.migrate]
                    cmd = "echo migration failed; exit 2"
                    oneshot = true
                    after = ["db"]
                    [jobs.web]
                    cmd = "exec sleep 300"
                    after = ["migrate"]
                    """);
            Result r = d.bgrun("--no-json", "up");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("migrate failed (exited with code 2)", "migration failed", "blocked by it: web");
            assertThat(d.status("db").get("state").asText()).isEqualTo("stopped");
            assertThat(d.status("web").get("state").asText()).isEqualTo("blocked");
        }
    }

    private static JsonNode upResult(Result r) throws IOException {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode result = Daemon.JSON.readTree(r.out());
        assertThat(result.get("ok").asBoolean()).as(r.toString()).isTrue();
        return result;
    }

    private static int port(JsonNode result, String job, String variable) {
        for (JsonNode j : result.get("jobs")) {
            if (j.get("name").asText().equals(job)) {
                return j.get("ports").get(variable).asInt();
            }
        }
        throw new AssertionError("no job " + job + " in " + result);
    }
}
