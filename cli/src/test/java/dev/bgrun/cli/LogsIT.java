package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** tail, diff, screen and send against real jobs; rotation under a job that keeps writing; cursors across restarts. */
class LogsIT {
    @TempDir
    Path tmp;

    private static List<String> contents(JsonNode answer) {
        List<String> lines = new ArrayList<>();
        answer.get("lines").forEach(l -> lines.add(l.get("content").asText()));
        return lines;
    }

    @Test
    void tailFiltersStripsDigestsAndSaysWhenItShowsLess() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "app", "--", "sh -c 'printf \"\\033[32mstarting\\033[0m\\n\"; echo \"WARN disk low\"; "
                    + "echo \"ERROR: db down\" >&2; echo \"GET /api/users 200\"; printf \"\\033[1;31mFATAL boom\\033[0m\\n\"; "
                    + "echo done; exec sleep 300'");
            d.json("expect", "app", "done", "--from-start");

            // Within one read of the files, stdout's lines are numbered before stderr's: compare stdout alone in order.
            JsonNode all = d.json("tail", "app", "--lines", "2", "--stream", "stdout");
            assertThat(contents(all)).containsExactly("\u001b[1;31mFATAL boom\u001b[0m", "done");
            assertThat(all.get("truncated").asBoolean()).isTrue();
            assertThat(all.get("total_lines").asInt()).isEqualTo(6);
            assertThat(all.get("summary").asText()).contains("Showing the last 2 matching lines").contains("stdout.log");
            // Every matching line shown: nothing is left out, though the filter dropped lines.
            JsonNode everyError = d.json("tail", "app", "--stream", "stderr");
            assertThat(everyError.get("truncated").asBoolean()).isFalse();
            assertThat(everyError.has("summary")).isFalse();
            assertThat(Path.of(all.get("artifact").get("stdout").asText())).exists();
            JsonNode two = d.json("tail", "app", "--lines", "2");
            assertThat(two.get("summary").asText()).contains("Showing 2 of 6 lines of app");

            assertThat(contents(d.json("tail", "app", "--level", "error", "--strip-ansi")))
                    .containsExactlyInAnyOrder("ERROR: db down", "FATAL boom");
            assertThat(contents(d.json("tail", "app", "--level", "warn", "--strip-ansi")))
                    .containsExactlyInAnyOrder("WARN disk low", "ERROR: db down", "FATAL boom");
            assertThat(contents(d.json("tail", "app", "--stream", "stderr"))).containsExactly("ERROR: db down");
            assertThat(contents(d.json("tail", "app", "--filter-regex", "^GET /api/\\w+ 2\\d\\d$"))).containsExactly("GET /api/users 200");
            // The regex sees the text as shown: without --strip-ansi the colour codes are part of it.
            assertThat(contents(d.json("tail", "app", "--filter-regex", "^starting$"))).isEmpty();
            assertThat(contents(d.json("tail", "app", "--filter-regex", "^starting$", "--strip-ansi"))).containsExactly("starting");
            JsonNode untruncated = d.json("tail", "app", "--lines", "50");
            assertThat(untruncated.get("truncated").asBoolean()).isFalse();
            assertThat(untruncated.has("summary")).isFalse();

            JsonNode digest = d.json("tail", "app", "--digest", "--strip-ansi");
            assertThat(digest.get("errors").asInt()).isEqualTo(2);
            assertThat(digest.get("warnings").asInt()).isEqualTo(1);
            JsonNode errors = d.json("tail", "app", "--level", "error", "--strip-ansi").get("lines");
            assertThat(digest.get("last_error")).isEqualTo(errors.get(1)); // the later of the two
            assertThat(digest.get("first_line").get("content").asText()).isEqualTo("starting");
            JsonNode lastTwo = d.json("tail", "app", "--digest", "--since", "4");
            assertThat(lastTwo.get("lines").asInt()).isEqualTo(2);
            assertThat(lastTwo.get("first_line").get("line_number").asInt()).isEqualTo(5);

            long get = d.json("tail", "app", "--filter-regex", "^GET").get("lines").get(0).get("line_number").asLong();
            JsonNode since = d.json("tail", "app", "--since", Long.toString(get), "--lines", "100");
            assertThat(since.get("lines")).hasSize(6 - (int) get);
            since.get("lines").forEach(l -> assertThat(l.get("line_number").asLong()).isGreaterThan(get));
            assertThat(contents(d.json("tail", "app", "--since", Instant.now().plusSeconds(3600).toString()))).isEmpty();
            assertThat(contents(d.json("tail", "app", "--since", "1h", "--lines", "100"))).hasSize(6);

            for (String[] bad : List.of(new String[]{"--filter-regex", "("}, new String[]{"--level", "loud"},
                    new String[]{"--since", "yesterday"}, new String[]{"--stream", "pty2"}, new String[]{"--lines", "-3"})) {
                List<String> args = new ArrayList<>(List.of("tail", "app"));
                args.addAll(List.of(bad));
                Result r = d.bgrun(args.toArray(String[]::new));
                assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
                assertThat(Daemon.JSON.readTree(r.err()).get("error").get("type").asText()).isEqualTo("UsageError");
            }
        }
    }

    @Test
    void awkwardOutputComesBackLineByLine() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            // Over 1 MiB with no newline, binary bytes, CRLF, a notify marker on stderr, and a last line without newline.
            d.run("--name", "odd", "--", "sh -c 'head -c 1200000 /dev/zero | tr \"\\000\" a; echo; printf \"bin\\000\\377\\n\"; "
                    + "printf \"crlf\\r\\n\"; echo \"BGRUN_NOTIFY: built it\" >&2; printf last-no-newline'");
            d.awaitState("odd", "exited");
            JsonNode tail = d.json("tail", "odd", "--lines", "10");
            List<String> lines = contents(tail);
            assertThat(lines).hasSize(6);
            assertThat(lines.get(0)).hasSize(1 << 20).matches("a+");
            assertThat(lines.get(1)).hasSize(1_200_000 - (1 << 20)).matches("a+");
            assertThat(lines.get(2)).startsWith("bin\u0000");
            assertThat(lines.subList(3, 6)).containsExactlyInAnyOrder("crlf", "BGRUN_NOTIFY: built it", "last-no-newline");
            JsonNode notify = d.bgrunLines("events", "--type", "notify", "--job", "odd").getFirst();
            assertThat(notify.get("type").asText()).isEqualTo("notify");
            assertThat(notify.get("message").asText()).isEqualTo("built it");
            assertThat(notify.get("stream").asText()).isEqualTo("stderr");
        }
    }

    @Test
    void rotationUnderAWriterKeepsNumbersAndEveryKeptLine() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            // Writes 1..600000, one number a line (4.5 MB), while the daemon rotates at 1 MiB keeping one file.
            d.run("--name", "flood", "--log-max-size-mb", "1", "--log-max-files", "1", "--",
                    "sh -c 'i=0; while [ $i -lt 600000 ]; do i=$((i+1)); echo $i; done'");
            JsonNode early = d.json("diff", "flood", "--lines", "3");
            d.awaitState("flood", "exited");
            JsonNode tail = d.json("tail", "flood", "--lines", "1");
            assertThat(tail.get("total_lines").asLong()).isEqualTo(600_000);
            assertThat(contents(tail)).containsExactly("600000");
            long first = tail.get("first_line").asLong();
            assertThat(first).isGreaterThan(1);
            assertThat(tail.get("artifact").get("stdout_rotated")).hasSize(1);
            assertThat(tail.get("artifact").get("size_bytes").asLong()).isLessThan(5L * 1024 * 1024 / 2);

            // Every line still kept is the number it was written as: nothing lost, nothing shifted.
            long cursor = first - 1;
            long seen = 0;
            while (true) {
                JsonNode page = d.json("diff", "flood", "--cursor", Long.toString(cursor), "--lines", "100000");
                for (JsonNode line : page.get("lines")) {
                    assertThat(line.get("content").asText()).isEqualTo(line.get("line_number").asText());
                    seen++;
                }
                cursor = page.get("cursor").asLong();
                if (!page.get("more").asBoolean()) {
                    break;
                }
            }
            assertThat(seen).isEqualTo(600_000 - first + 1);

            // The daemon-kept cursor from before the rotation: the lines it missed are counted, the rest come.
            JsonNode resumed = d.json("diff", "flood", "--lines", "5");
            long missed = resumed.get("missed").asLong();
            assertThat(early.get("cursor").asLong() + missed).isEqualTo(first - 1);
            assertThat(resumed.get("lines").get(0).get("line_number").asLong()).isEqualTo(first);

            Path dir = Path.of(tail.get("artifact").get("stdout").asText()).getParent();
            d.json("clean", "flood");
            assertThat(dir).doesNotExist();
        }
    }

    @Test
    void diffCursorsSurviveDaemonAndJobRestarts() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "talker", "--", "sh -c 'echo one; echo two; while [ ! -f go ]; do sleep 0.05; done; echo three; exec sleep 300'");
            d.json("expect", "talker", "two", "--from-start");
            assertThat(contents(d.json("diff", "talker"))).containsExactly("one", "two");
            assertThat(contents(d.json("diff", "talker"))).isEmpty();
            assertThat(contents(d.json("diff", "talker", "--name", "other"))).containsExactly("one", "two");

            long daemon = d.daemonPid();
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(daemon)).start();
            assertThat(kill.waitFor()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> !Daemon.alive(daemon));
            Files.writeString(d.work.resolve("go"), "");
            d.json("expect", "talker", "three", "--from-start"); // a new daemon, which read the log back
            JsonNode after = d.json("diff", "talker");
            assertThat(contents(after)).containsExactly("three");
            assertThat(after.get("cursor").asInt()).isEqualTo(3);

            d.json("restart", "talker");
            d.json("expect", "talker", "three", "--from-start", "--timeout", "60s");
            await().atMost(Duration.ofSeconds(30)).until(() -> d.json("tail", "talker").get("total_lines").asInt() == 6);
            JsonNode second = d.json("diff", "talker");
            assertThat(contents(second)).containsExactly("one", "two", "three");
            second.get("lines").forEach(l -> assertThat(l.get("incarnation").asInt()).isEqualTo(2));
            // --skip moves a cursor to the end without reading: the next diff has only newer lines.
            JsonNode skipped = d.json("diff", "talker", "--name", "late", "--skip");
            assertThat(skipped.get("lines")).isEmpty();
            assertThat(skipped.get("cursor").asInt()).isEqualTo(6);
            assertThat(contents(d.json("diff", "talker", "--name", "late"))).isEmpty();
            // An explicit cursor reads without moving the kept one.
            assertThat(contents(d.json("diff", "talker", "--cursor", "4"))).containsExactly("two", "three");
            assertThat(contents(d.json("diff", "talker"))).isEmpty();
        }
    }

    @Test
    void sendWritesToStdinAndEndsIt() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "echoer", "--stdin", "--", "sh -c 'while read l; do echo \"got $l\"; done; echo eof'");
            assertThat(d.json("send", "echoer", "hello", "--enter").get("bytes").asInt()).isEqualTo(6);
            d.json("expect", "echoer", "got hello", "--from-start");
            d.json("send", "echoer", "part");
            d.json("send", "echoer", "--enter");
            d.json("expect", "echoer", "got part", "--from-start");
            d.json("send", "echoer", "--eof");
            d.awaitState("echoer", "exited");
            assertThat(contents(d.json("tail", "echoer"))).containsExactly("got hello", "got part", "eof");

            // Recent lines are still in memory just after the end.
            JsonNode screen = d.json("screen", "echoer", "--lines", "2");
            assertThat(screen.get("source").asText()).isEqualTo("memory");
            assertThat(contents(screen)).containsExactly("got part", "eof");

            // A job that does not read: send gives up after its timeout, and the daemon goes on answering.
            d.run("--name", "deafstdin", "--stdin", "--", "sleep", "300");
            String big = "x".repeat(100_000); // more than a pipe holds (64 KiB)
            for (int i = 0; i < 3; i++) { // more stuck writes than the machine has cores
                Result full = d.bgrun("send", "deafstdin", big, "--timeout", "1s");
                assertThat(full.exitCode()).as(full.toString()).isEqualTo(124);
                assertThat(Daemon.JSON.readTree(full.err()).get("error").get("type").asText()).isEqualTo("Timeout");
            }
            assertThat(d.json("status", "deafstdin").get("state").asText()).isEqualTo("ready");
            d.json("stop", "deafstdin");

            Result ended = d.bgrun("send", "echoer", "more");
            assertThat(ended.exitCode()).isEqualTo(1);
            assertThat(Daemon.JSON.readTree(ended.err()).get("error").get("type").asText()).isEqualTo("InvalidState");
            d.run("--name", "deaf", "--", "sleep", "300");
            Result deaf = d.bgrun("send", "deaf", "x");
            assertThat(deaf.exitCode()).isEqualTo(1);
            assertThat(deaf.err()).contains("stdin = true");
            assertThat(d.bgrun("send", "deaf").exitCode()).isEqualTo(2);
        }
    }

    @Test
    void alertsAndHealthFailuresAreEvents() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "crash", "--alert", "failure", "--", "sh -c 'echo last words; exit 3'");
            d.run("--name", "fine", "--alert", "failure", "--", "true");
            d.run("--name", "sick", "--health-check-port", "1", "--health-interval-secs", "1", "--health-threshold", "2",
                    "--", "sleep", "300");
            d.awaitState("crash", "failed");
            d.awaitState("fine", "exited");
            d.awaitState("sick", "failed");
            await().atMost(Duration.ofSeconds(30)).until(() -> d.bgrunLines("events", "--type", "alert").size() > 1);
            List<JsonNode> alerts = d.bgrunLines("events", "--type", "alert").stream().filter(e -> e.has("type")).toList();
            assertThat(alerts).hasSize(1); // fine ended well, and asked for failures only
            JsonNode alert = alerts.getFirst();
            assertThat(alert.get("job").asText()).isEqualTo("crash");
            assertThat(alert.get("outcome").asText()).isEqualTo("failure");
            assertThat(alert.get("exit_code").asInt()).isEqualTo(3);
            assertThat(alert.get("last_lines").toString()).contains("last words");

            Result human = d.bgrun("--no-json", "events", "--type", "alert", "--type", "health");
            assertThat(human.exitCode()).as(human.toString()).isZero();
            assertThat(human.out()).contains("alert failure").contains("health check failed 1/2");
            List<JsonNode> health = d.bgrunLines("events", "--type", "health", "--job", "sick").stream().filter(e -> e.has("type")).toList();
            assertThat(health).extracting(e -> e.get("failures").asInt()).containsExactly(1, 2);
            assertThat(health.getFirst().get("failed").get(0).asText()).contains("health-check-port");
        }
    }

    @Test
    void anEndedJobReleasedFromMemoryReadsAsBeforeAndIsWatchedAgainWhenRunAgain() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            // The first call starts the daemon, which releases a job's memory 1 s after its end (5 min by default).
            Result first = BgrunProcess.bgrun(d.work, java.util.Map.of("BGRUN_HOME", d.home.toString(),
                    "BGRUN_RELEASE_AFTER", "1s"), "run", "--name", "done", "--",
                    "sh -c 'echo one; echo two; echo BGRUN_NOTIFY: finished; echo three'");
            assertThat(first.exitCode()).as(first.toString()).isZero();
            d.awaitState("done", "exited");
            assertThat(contents(d.json("diff", "done"))).containsExactly("one", "two", "BGRUN_NOTIFY: finished", "three");

            // Released: the screen is read from disk now; every read answers as before.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> d.json("screen", "done", "--lines", "2").get("source").asText().equals("disk"));
            assertThat(contents(d.json("screen", "done", "--lines", "2"))).containsExactly("BGRUN_NOTIFY: finished", "three");
            assertThat(contents(d.json("tail", "done"))).containsExactly("one", "two", "BGRUN_NOTIFY: finished", "three");
            JsonNode diff = d.json("diff", "done");
            assertThat(contents(diff)).isEmpty();
            assertThat(diff.get("cursor").asInt()).isEqualTo(4); // the cursor, from its file
            JsonNode status = d.status("done");
            assertThat(status.get("state").asText()).isEqualTo("exited");
            List<String> states = new ArrayList<>();
            status.get("transitions").forEach(t -> states.add(t.path("to").asText()));
            assertThat(states).as(status.toString()).containsExactly("starting", "running", "ready", "exited");
            assertThat(d.bgrunLines("events", "--type", "notify", "--job", "done").stream().filter(e -> e.has("type")))
                    .extracting(e -> e.get("message").asText()).containsExactly("finished");

            // Run again: the new incarnation's output is seen as it is written (its readiness waits for a line).
            d.run("--name", "done", "--replace", "--ready-when", "listening", "--", "sh -c 'sleep 1; echo listening; exec sleep 300'");
            d.awaitState("done", "ready");
            assertThat(d.json("screen", "done", "--lines", "1").get("source").asText()).isEqualTo("memory");
            d.json("stop", "done");
            JsonNode cleaned = d.json("clean", "done");
            assertThat(cleaned.toString()).contains(status.get("id").asText());
            assertThat(d.bgrunLines("list")).isEmpty();
        }
    }

    @Test
    void followWithKeepGoesOnThroughARestart() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "short", "--", "sh -c 'echo run $(cat n 2>/dev/null || echo 1); echo 2 > n'");
            Background follow = new Background(d.work, d.env(), "--json", "tail", "short", "--follow", "--keep");
            follow.awaitLine("run 1");
            d.awaitState("short", "exited");
            d.json("restart", "short");
            follow.awaitLine("run 2");
            assertThat(follow.lines().stream().filter(l -> l.contains("\"content\":\"run ")).count()).isEqualTo(2);
            follow.terminate();
            follow.close();
            // The job is silent and ended, yet the daemon notices the follower left and lets the stream go.
            await().atMost(Duration.ofSeconds(30)).until(() -> d.json("daemon", "status").get("connections").asInt() == 0);
        }
    }
}
