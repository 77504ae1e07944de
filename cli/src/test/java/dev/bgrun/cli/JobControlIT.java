package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Restart, project jobs by name, env files, and who may talk to the daemon. */
class JobControlIT {
    @TempDir
    Path tmp;

    @Test
    void restartKeepsIdentityAndStopCancelsAPendingRestart() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode first = d.run("--name", "svc", "--", "sleep", "300");
            JsonNode restarted = d.json("restart", "svc");
            d.remember(restarted);
            assertThat(restarted.get("id").asText()).isEqualTo(first.get("id").asText());
            assertThat(restarted.get("incarnation").asInt()).isEqualTo(2);
            assertThat(restarted.get("pid").asLong()).isNotEqualTo(first.get("pid").asLong());
            assertThat(Daemon.alive(first.get("pid").asLong())).isFalse();

            // A job waiting out a long backoff is stopped at once and never starts again.
            d.run("--name", "flaky", "--restart", "always", "--backoff-ms", "60000", "--backoff-max-ms", "60000",
                    "--", "sh -c 'exit 1'");
            d.awaitState("flaky", "restarting");
            d.json("stop", "flaky");
            JsonNode stopped = d.status("flaky");
            assertThat(stopped.get("state").asText()).isEqualTo("stopped");
            assertThat(stopped.get("incarnation").asInt()).isEqualTo(1);
        }
    }

    @Test
    void runNameUsesTheWholeSpecFromTheProjectFile() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Path project = BgrunProcess.project(d.work, """
                    workspace = "proj"
                    [jobs.api]
                    cmd = "echo serving on $PORT from $(pwd); exec sleep 300"
                    cwd = "srv"
                    allocate-port = "PORT"
                    env-file = "srv/.env"
                    env = { GREETING = "hello ${PORT}" }
                    ready-when-regex = "serving on \\\\d+"
                    stop-signal = "INT"
                    """);
            Files.createDirectories(project.resolve("srv"));
            Files.writeString(project.resolve("srv/.env"), "# secrets\nexport TOKEN='abc'\nEMPTY=\n");
            JsonNode job = d.run("api");
            assertThat(job.get("workspace").asText()).isEqualTo("proj");
            assertThat(job.get("name").asText()).isEqualTo("api");
            JsonNode ready = d.awaitState("api", "ready");
            int port = ready.get("ports").get("PORT").asInt();
            assertThat(ready.get("reason").asText()).contains("matched: serving on " + port + " from " + project.resolve("srv"));
            assertThat(d.json("status", "api", "--show-env").get("env").toString())
                    .isEqualTo("{\"GREETING\":\"hello " + port + "\",\"PORT\":\"" + port + "\"}");
            d.run("--name", "probe", "--env-file", "srv/.env", "--", "sh -c 'echo token=$TOKEN empty=[$EMPTY]'");
            d.awaitState("probe", "exited");
            assertThat(d.json("tail", "probe").get("lines").get(0).get("content").asText()).isEqualTo("token=abc empty=[]");

            // stop-signal INT ends sleep at once: the stop is quick and clean.
            d.json("stop", "proj/api");
            assertThat(d.status("api").get("state").asText()).isEqualTo("stopped");
        }
    }

    @Test
    void tailFollowStreamsEveryLineOnceAndEndsWithTheJob() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "counter", "--", "sh -c 'for i in $(seq 1 30); do echo n$i; sleep 0.05; done'");
            Result follow = d.bgrun("tail", "counter", "--follow", "--lines", "5");
            assertThat(follow.exitCode()).as(follow.toString()).isZero();
            List<String> seen = follow.out().lines().map(l -> {
                try {
                    return Daemon.JSON.readTree(l).get("content").asText();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            // It may join late, so it starts at most five lines back; from there every line comes once, in order.
            assertThat(seen).isNotEmpty().doesNotHaveDuplicates().endsWith("n30");
            int first = Integer.parseInt(seen.getFirst().substring(1));
            assertThat(seen).hasSize(31 - first);
        }
    }

    @Test
    void oneshotWaitMeansCompletedAndSelectionsSignalAndStopCleanly() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Files.writeString(d.work.resolve("task.json"), "{\"cmd\": \"sleep 1; echo migrated\", \"oneshot\": true}");
            d.run("--name", "migrate", "--spec", "@task.json");
            Result wait = d.bgrun("wait", "migrate", "--timeout", "60s");
            assertThat(wait.exitCode()).as(wait.toString()).isZero();
            JsonNode done = Daemon.JSON.readTree(wait.out());
            assertThat(done.get("state").asText()).isEqualTo("exited");
            assertThat(done.get("ready").asBoolean()).isTrue();

            // A job killed by a signal leaves no shell chatter ("Terminated") in its log.
            d.run("--name", "a", "--workspace", "w", "--", "sleep", "300");
            d.run("--name", "b", "--workspace", "w", "--", "sleep", "300");
            JsonNode killed = d.json("kill", "-s", "TERM", "--workspace", "w");
            assertThat(killed.get("killed").size()).isEqualTo(2);
            d.awaitState("w/a", "failed");
            d.awaitState("w/b", "failed");
            assertThat(d.json("tail", "w/a").get("total_lines").asInt()).isZero();

            // Nothing left to stop is not an error: a CI teardown can always run it.
            Result nothing = d.bgrun("stop", "--all");
            assertThat(nothing.exitCode()).as(nothing.toString()).isZero();
            assertThat(Daemon.JSON.readTree(nothing.out()).get("stopped").size()).isZero();
        }
    }

    @Test
    void aWorkspaceStopsDependentsBeforeWhatTheyWaitFor() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Path order = d.work.resolve("order");
            // Each job writes its name when it receives TERM, so the jobs themselves record the stop order.
            String script = "trap 'echo %s >> " + order + "; exit 0' TERM; echo up; while :; do sleep 0.1; done";
            // A dependency must exist before run --after names it, so the jobs are created in dependency order;
            // cache, independent, comes between them.
            d.run("--name", "db", "--workspace", "w", "--ready-when", "up", "--", "sh -c \"" + script.formatted("db") + "\"");
            d.run("--name", "cache", "--workspace", "w", "--ready-when", "up", "--",
                    "sh -c \"" + script.formatted("cache") + "\"");
            d.run("--name", "api", "--workspace", "w", "--after", "db", "--ready-when", "up", "--",
                    "sh -c \"" + script.formatted("api") + "\"");
            d.run("--name", "web", "--workspace", "w", "--after", "api", "--ready-when", "up", "--",
                    "sh -c \"" + script.formatted("web") + "\"");
            for (String job : List.of("db", "api", "web", "cache")) {
                d.awaitState("w/" + job, "ready");
            }
            assertThat(d.json("stop", "--workspace", "w").get("stopped").size()).isEqualTo(4);
            List<String> stopped = Files.readAllLines(order);
            assertThat(stopped).containsExactlyInAnyOrder("db", "api", "web", "cache");
            assertThat(stopped.indexOf("web")).isLessThan(stopped.indexOf("api"));
            assertThat(stopped.indexOf("api")).isLessThan(stopped.indexOf("db"));
        }
    }

    @Test
    void stdinIsDevNullUnlessAsked() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "closed", "--", "sh -c 'readlink /proc/self/fd/0'");
            d.run("--name", "open", "--stdin", "--", "sh -c 'readlink /proc/self/fd/0'");
            d.awaitState("closed", "exited");
            d.awaitState("open", "exited");
            assertThat(d.json("tail", "closed").get("lines").get(0).get("content").asText()).isEqualTo("/dev/null");
            assertThat(d.json("tail", "open").get("lines").get(0).get("content").asText()).endsWith("/stdin.fifo");
        }
    }

    @Test
    void anotherUserCannotReachTheDaemon() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && "root".equals(System.getProperty("user.name")),
                "needs root and setpriv to act as another user");
        try (Daemon d = new Daemon(tmp)) {
            d.json("list");
            Result other = BgrunProcess.run(d.work, Map.of(), List.of("/usr/bin/setpriv", "--reuid=nobody",
                    "--regid=nogroup", "--clear-groups", "--", "sh", "-c",
                    "exec 3<>/dev/null; cat /dev/null > '" + d.home.resolve("daemon.sock") + "'"));
            assertThat(other.exitCode()).as(other.toString()).isNotZero();
            assertThat(other.err()).contains("Permission denied");
        }
    }
}
