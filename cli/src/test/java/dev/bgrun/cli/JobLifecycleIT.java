package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Jobs through their life, with the real daemon, real processes and the CLI as a subprocess. */
class JobLifecycleIT {
    @TempDir
    Path tmp;

    @Test
    void runListStatusStop() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode job = d.run("--name", "sleeper", "--tag", "demo", "--", "sleep", "300");
            assertThat(job.get("state").asText()).isEqualTo("ready");
            assertThat(job.get("reused").asBoolean()).isFalse();
            long pid = job.get("pid").asLong();
            assertThat(Daemon.alive(pid)).isTrue();

            JsonNode status = d.status("sleeper");
            assertThat(status.get("pgid").asLong()).isEqualTo(pid);
            assertThat(status.get("incarnation").asInt()).isEqualTo(1);
            assertThat(status.get("cmd").toString()).isEqualTo("[\"sleep\",\"300\"]");
            assertThat(status.get("log").get("stdout").asText()).startsWith(d.home.toString());
            assertThat(status.get("transitions").toString()).contains("\"to\":\"running\"", "\"to\":\"ready\"");

            Result list = d.bgrun("list", "--tag", "demo");
            assertThat(list.out().lines().toList()).hasSize(1);
            assertThat(Daemon.JSON.readTree(list.out()).get("name").asText()).isEqualTo("sleeper");
            assertThat(d.bgrun("list", "--tag", "other").out()).isEmpty();

            assertThat(d.json("stop", "sleeper").get("stopped").get(0).asText()).isEqualTo(job.get("id").asText());
            JsonNode stopped = d.status("sleeper");
            assertThat(stopped.get("state").asText()).isEqualTo("stopped");
            assertThat(stopped.get("reason").asText()).isEqualTo("stopped by user");
            assertThat(Daemon.alive(pid)).isFalse();

            // The state root and the socket are the owner's alone.
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.home))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.home.resolve("daemon.sock"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void runByNameIsIdempotentAndReplaceRestarts() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode first = d.run("--name", "web", "--", "sleep", "300");
            JsonNode again = d.run("--name", "web", "--", "sleep", "300");
            assertThat(again.get("id").asText()).isEqualTo(first.get("id").asText());
            assertThat(again.get("pid").asLong()).isEqualTo(first.get("pid").asLong());
            assertThat(again.get("reused").asBoolean()).isTrue();

            JsonNode replaced = d.run("--name", "web", "--replace", "--", "sleep", "301");
            assertThat(replaced.get("id").asText()).isEqualTo(first.get("id").asText());
            assertThat(replaced.get("incarnation").asInt()).isEqualTo(2);
            assertThat(replaced.get("cmd").toString()).contains("301");
            assertThat(Daemon.alive(first.get("pid").asLong())).isFalse();
        }
    }

    @Test
    void stopLeavesNoProcessOfTheTreeEvenWhenAChildIgnoresTerm() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            // A child that ignores TERM, and a grandchild that left the group with setsid.
            String script = "sh -c 'trap \"\" TERM; while :; do sleep 1; done' & setsid sleep 300 & echo started; wait";
            JsonNode job = d.run("--name", "tree", "--stop-timeout", "1s", "--ready-when", "started", "--", script);
            long pid = job.get("pid").asLong();
            d.awaitState("tree", "ready");
            await().atMost(Duration.ofSeconds(30)).until(() -> descendants(pid).size() >= 3);
            List<Long> tree = descendants(pid);

            d.json("stop", "tree");
            assertThat(d.status("tree").get("state").asText()).isEqualTo("stopped");
            for (long p : tree) {
                assertThat(Daemon.alive(p)).as("process %d of the tree", p).isFalse();
            }
            assertThat(Daemon.alive(pid)).isFalse();
        }
    }

    @Test
    void exitsAreRecordedWithTheirCodesAndSignals() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "ok", "--", "true");
            d.run("--name", "bad", "--", "sh -c 'echo failing >&2; exit 3'");
            d.run("--name", "victim", "--", "sleep", "300");

            assertThat(d.awaitState("ok", "exited").get("exit_code").asInt()).isZero();
            JsonNode bad = d.awaitState("bad", "failed");
            assertThat(bad.get("exit_code").asInt()).isEqualTo(3);
            assertThat(bad.get("reason").asText()).isEqualTo("exited with code 3");

            JsonNode killed = d.json("kill", "-s", "KILL", "victim");
            assertThat(killed.get("signal").asText()).isEqualTo("KILL");
            JsonNode victim = d.awaitState("victim", "failed");
            assertThat(victim.get("signal").asText()).isEqualTo("KILL");
            assertThat(victim.get("reason").asText()).contains("killed by signal SIGKILL");

            JsonNode tail = d.json("tail", "bad");
            assertThat(tail.get("lines").get(0).get("content").asText()).isEqualTo("failing");
            assertThat(tail.get("lines").get(0).get("stream").asText()).isEqualTo("stderr");
        }
    }

    @Test
    void restartBackoffGrowsThenGivesUpAndResetsAfterAStableRun() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "crashy", "--restart", "on-failure", "--backoff-ms", "100", "--backoff-max-ms", "5000",
                    "--max-restarts", "4", "--", "sh -c 'exit 1'");
            JsonNode failed = d.awaitState("crashy", "failed");
            assertThat(failed.get("restart_count").asInt()).isEqualTo(4);
            assertThat(failed.get("incarnation").asInt()).isEqualTo(5);
            assertThat(failed.get("reason").asText()).isEqualTo("exited with code 1; gave up after 4 restarts (max-restarts)");
            assertThat(delays(failed)).containsExactly(100L, 200L, 400L, 800L);

            // Runs that outlast backoff-max-ms are stable: the delay starts again from backoff-ms.
            d.run("--name", "steady", "--restart", "always", "--backoff-ms", "100", "--backoff-max-ms", "300",
                    "--max-restarts", "3", "--", "sh -c 'sleep 0.5; exit 0'");
            // restart = "always" that runs out of restarts did not stay up: it ends failed.
            JsonNode steady = d.awaitState("steady", "failed");
            assertThat(steady.get("reason").asText()).endsWith("gave up after 3 restarts (max-restarts)");
            assertThat(delays(steady)).containsExactly(100L, 100L, 100L);

            // backoff-ms = 0 (even with a cap of 0) would double to 0 and restart in a tight loop: 100 ms is the floor.
            d.run("--name", "spinner", "--restart", "always", "--backoff-ms", "0", "--backoff-max-ms", "0",
                    "--max-restarts", "3", "--", "sh -c 'exit 3'");
            assertThat(delays(d.awaitState("spinner", "failed"))).containsExactly(100L, 100L, 100L);
        }
    }

    @Test
    void waitExitCodes() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "slow", "--ready-when", "up now", "--", "sh -c 'sleep 1; echo up now; sleep 300'");
            Result ready = d.bgrun("wait", "slow", "--timeout", "60s");
            assertThat(ready.exitCode()).as(ready.toString()).isZero();
            assertThat(Daemon.JSON.readTree(ready.out()).get("ready").asBoolean()).isTrue();

            d.run("--name", "never", "--ready-when", "never printed", "--", "sleep", "300");
            Result timeout = d.bgrun("wait", "never", "--timeout", "500ms");
            assertThat(timeout.exitCode()).as(timeout.toString()).isEqualTo(124);
            assertThat(Daemon.JSON.readTree(timeout.out()).get("timed_out").asBoolean()).isTrue();

            d.run("--name", "dies", "--ready-when", "never printed", "--", "sh -c 'exit 2'");
            Result failed = d.bgrun("wait", "dies", "--timeout", "60s");
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
            assertThat(Daemon.JSON.readTree(failed.out()).get("state").asText()).isEqualTo("failed");

            d.run("--name", "nope", "--ready-when", "never printed", "--ready-timeout", "1s", "--", "sleep", "300");
            Result notReady = d.bgrun("wait", "nope", "--timeout", "60s");
            assertThat(notReady.exitCode()).isEqualTo(1);
            assertThat(Daemon.JSON.readTree(notReady.out()).get("reason").asText())
                    .isEqualTo("not ready within ready-timeout (1s): ready-when (\"never printed\") did not hold");
        }
    }

    @Test
    void limitsFailTheJobAndItIsRestartedUnderItsPolicy() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "long", "--max-runtime-ms", "500", "--restart", "on-failure", "--max-restarts", "1",
                    "--backoff-ms", "100", "--", "sleep", "300");
            JsonNode runtime = d.awaitState("long", "failed");
            assertThat(runtime.get("reason").asText()).startsWith("ran longer than max-runtime-ms (500ms)");
            assertThat(runtime.get("restart_count").asInt()).isEqualTo(1);

            d.run("--name", "hungry", "--max-rss-mb", "20", "--",
                    "sh -c 'x=$(head -c 60000000 /dev/zero | tr \"\\0\" a); echo allocated; sleep 300'");
            JsonNode rss = d.awaitState("hungry", "failed");
            assertThat(rss.get("reason").asText()).matches("resident memory \\d+ MiB over max-rss-mb \\(20\\)");
        }
    }

    @Test
    void jobsOutliveAKilledDaemonWhichReadoptsThem() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode sleeper = d.run("--name", "sleeper", "--", "sleep", "300");
            JsonNode writer = d.run("--name", "writer", "--",
                    "sh -c 'for i in $(seq 1 60); do echo line $i; sleep 0.05; done; exit 7'");
            long daemon = d.daemonPid();
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(daemon)).start();
            assertThat(kill.waitFor()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> !Daemon.alive(daemon));
            // The writer keeps writing and ends while no daemon runs.
            long writerPid = writer.get("pid").asLong();
            await().atMost(Duration.ofSeconds(60)).until(() -> !Daemon.alive(writerPid));

            JsonNode adopted = d.status("sleeper");
            assertThat(d.daemonPid()).isNotEqualTo(daemon);
            assertThat(adopted.get("state").asText()).isEqualTo("ready");
            assertThat(adopted.get("pid").asLong()).isEqualTo(sleeper.get("pid").asLong());

            JsonNode ended = d.awaitState("writer", "failed");
            assertThat(ended.get("exit_code").asInt()).isEqualTo(7);
            JsonNode tail = d.json("tail", "writer", "--lines", "100");
            List<String> lines = new ArrayList<>();
            tail.get("lines").forEach(l -> lines.add(l.get("content").asText()));
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 60; i++) {
                expected.add("line " + i);
            }
            assertThat(lines).containsExactlyElementsOf(expected);

            // The re-adopted job is still fully under control.
            d.json("stop", "sleeper");
            assertThat(Daemon.alive(sleeper.get("pid").asLong())).isFalse();
        }
    }

    @Test
    void referencesResolveByIdPrefixNameAndWorkspace() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode a = d.run("--name", "api", "--workspace", "one", "--", "sleep", "300");
            d.run("--name", "api", "--workspace", "two", "--", "sleep", "300");
            String id = a.get("id").asText();
            assertThat(d.status(id.substring(0, 4)).get("id").asText()).isEqualTo(id);
            assertThat(d.status("one/api").get("id").asText()).isEqualTo(id);

            Result ambiguous = d.bgrun("status", "api");
            assertThat(ambiguous.exitCode()).isEqualTo(2);
            JsonNode error = Daemon.JSON.readTree(ambiguous.err()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("AmbiguousJob");
            assertThat(error.get("details").get("candidates").toString()).contains("one/api", "two/api");

            Result missing = d.bgrun("status", "aip");
            assertThat(missing.exitCode()).isEqualTo(1);
            JsonNode notFound = Daemon.JSON.readTree(missing.err()).get("error");
            assertThat(notFound.get("type").asText()).isEqualTo("JobNotFound");
            assertThat(notFound.get("details").get("hint").asText()).startsWith("did you mean \"api\"?");
        }
    }

    @Test
    void allocatedPortsAndEnvironmentAreHiddenUnlessAsked() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "svc", "--allocate-port", "PORT", "--env", "MODE=test", "--", "sh -c 'echo port=$PORT mode=$MODE; sleep 300'");
            JsonNode status = d.status("svc");
            int port = status.get("ports").get("PORT").asInt();
            assertThat(port).isBetween(1, 65535);
            assertThat(status.has("env")).isFalse();
            assertThat(d.json("status", "svc", "--show-env").get("env").toString())
                    .isEqualTo("{\"MODE\":\"test\",\"PORT\":\"" + port + "\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> d.json("tail", "svc").get("lines").size() == 1);
            assertThat(d.json("tail", "svc").get("lines").get(0).get("content").asText())
                    .isEqualTo("port=" + port + " mode=test");
        }
    }

    @Test
    void cleanRemovesEndedJobsAndTheirLogs() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            JsonNode done = d.run("--name", "done", "--", "true");
            d.run("--name", "alive", "--", "sleep", "300");
            d.awaitState("done", "exited");
            Path dir = d.home.resolve("jobs").resolve(done.get("id").asText());
            assertThat(dir).exists();
            JsonNode removed = d.json("clean");
            assertThat(removed.get("removed").toString()).isEqualTo("[\"" + done.get("id").asText() + "\"]");
            assertThat(dir).doesNotExist();
            assertThat(d.bgrun("list").out().lines().toList()).hasSize(1);
        }
    }

    @Test
    void invalidSpecsAreRefusedWithEveryProblem() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Result r = d.bgrun("run", "--spec", "{\"cmd\":\"x\",\"ready-when-prot\":1,\"restart\":\"sometimes\"}");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            JsonNode error = Daemon.JSON.readTree(r.err()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("ConfigInvalid");
            assertThat(error.get("details").get("problems").size()).isEqualTo(2);
            assertThat(error.get("details").get("problems").toString()).contains("did you mean", "ready-when-port");

            Result json = d.bgrun("run", "--spec", "{\"cmd\": ");
            assertThat(json.exitCode()).isEqualTo(2);
            assertThat(json.err()).contains("not valid JSON");
            assertThat(d.bgrun("list").out()).isEmpty();
        }
    }

    /** Every descendant of a process, from /proc (the test's own view, independent of bgrun). */
    static List<Long> descendants(long pid) {
        List<Long> all = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(c -> all.add(c.pid())));
        return all;
    }

    /** The restart delays announced by the job's restarting transitions, in order. */
    static List<Long> delays(JsonNode status) {
        List<Long> delays = new ArrayList<>();
        for (JsonNode t : status.get("transitions")) {
            String reason = t.get("reason").asText();
            var m = java.util.regex.Pattern.compile("restart \\d+ in (\\d+)ms").matcher(reason);
            if (t.get("to").asText().equals("restarting") && m.find()) {
                delays.add(Long.parseLong(m.group(1)));
            }
        }
        return delays;
    }
}
