package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each readiness rule true, false (timing out), and several together, against real processes and servers. */
class ReadinessIT {
    private static final String JWEBSERVER = Path.of(System.getProperty("java.home"), "bin", "jwebserver").toString();

    @TempDir
    Path tmp;

    @Test
    void portAndUrlRulesHoldWhenARealServerAnswers() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "web", "--allocate-port", "PORT", "--ready-when-port", "${PORT}",
                    "--ready-when-url", "http://127.0.0.1:${PORT}/", "--",
                    JWEBSERVER + " -b 127.0.0.1 -p $PORT -d " + d.work);
            Result wait = d.bgrun("wait", "web", "--timeout", "90s");
            assertThat(wait.exitCode()).as(wait.toString()).isZero();
            JsonNode web = d.status("web");
            int port = web.get("ports").get("PORT").asInt();
            assertThat(web.get("reason").asText()).isEqualTo("ready-when-port (" + port + ") held; ready-when-url (http://127.0.0.1:"
                    + port + "/) held");

            // stats sees the server's tree: its memory, its threads, and the port it listens on.
            JsonNode stats = d.json("stats", "web");
            assertThat(stats.get("ports")).extracting(JsonNode::asInt).containsExactly(port);
            assertThat(stats.get("rss_bytes").asLong()).isGreaterThan(1_000_000);
            assertThat(stats.get("threads").asInt()).isGreaterThan(1);
            assertThat(stats.get("uptime_ms").asLong()).isPositive();
            d.json("stop", "web");
            JsonNode after = d.json("stats", "web");
            assertThat(after.get("ports")).isEmpty();
            assertThat(after.get("uptime_ms").isNull()).isTrue();
        }
    }

    @Test
    void fileAndCommandRulesTogetherWithALogRule() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "slow", "--ready-when", "booting", "--ready-when-file", "ready.flag",
                    "--ready-when-cmd", "test -f ready.flag", "--",
                    "sh -c 'echo booting; sleep 1; touch ready.flag; sleep 300'");
            Result wait = d.bgrun("wait", "slow", "--timeout", "60s");
            assertThat(wait.exitCode()).as(wait.toString()).isZero();
            assertThat(d.status("slow").get("reason").asText()).isEqualTo("line 1 matched: booting; ready-when-file ("
                    + d.work.resolve("ready.flag") + ") held; ready-when-cmd (/bin/sh -c test -f ready.flag) held");
        }
    }

    @Test
    void aRuleThatNeverHoldsFailsTheJobNamingIt() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort(); // free once closed: nobody listens there
            }
            d.run("--name", "deaf", "--ready-when-port", Integer.toString(port), "--ready-when-file", "never",
                    "--ready-timeout", "1s", "--", "sleep", "300");
            JsonNode failed = d.awaitState("deaf", "failed");
            assertThat(failed.get("reason").asText()).isEqualTo("not ready within ready-timeout (1s): ready-when-port ("
                    + port + "), ready-when-file (" + d.work.resolve("never") + ") did not hold");
        }
    }

    @Test
    void failingHealthChecksFailTheJobAndItsPolicyRestartsIt() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            // Healthy while the flag exists; the job removes it after a while, then health checks fail.
            d.run("--name", "sick", "--health-check-cmd", "test -f healthy", "--health-interval-secs", "200ms",
                    "--health-threshold", "2", "--restart", "on-failure", "--max-restarts", "1", "--backoff-ms", "100",
                    "--", "sh -c 'touch healthy; sleep 1; rm healthy; sleep 300'");
            JsonNode failed = d.awaitState("sick", "failed");
            assertThat(failed.get("restart_count").asInt()).isEqualTo(1);
            assertThat(failed.get("reason").asText()).startsWith(
                    "health check failed 2 times in a row: health-check-cmd (/bin/sh -c test -f healthy)");
            assertThat(failed.get("transitions").toString()).contains("\"to\":\"restarting\"");
        }
    }

    @Test
    void healthChecksRunWithTheJobsEnvironmentLongAfterItIsReady() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            // The actor drops the incarnation's environment once the checks are armed: they keep their own.
            d.run("--name", "env-checked", "--env", "MODE=test", "--allocate-port", "PORT",
                    "--health-check-cmd", "echo \"$MODE $PORT\" >> checks", "--health-interval-secs", "100ms",
                    "--", "sleep", "300");
            d.awaitState("env-checked", "ready");
            Path checks = d.work.resolve("checks");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(checks) && Files.readAllLines(checks).size() >= 5);
            String port = d.json("status", "env-checked", "--show-env").get("env").get("PORT").asText();
            assertThat(Files.readAllLines(checks)).allSatisfy(line -> assertThat(line).isEqualTo("test " + port));
            assertThat(d.status("env-checked").get("state").asText()).isEqualTo("ready");
        }
    }

    @Test
    void aPortAlreadyBoundByAnotherProcessIsRefusedBeforeStart() throws IOException {
        try (Daemon d = new Daemon(tmp);
             ServerSocket stale = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Result r = d.bgrun("run", "--name", "late", "--ready-when-port", Integer.toString(stale.getLocalPort()),
                    "--", "sleep", "300");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            JsonNode error = Daemon.JSON.readTree(r.err()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("JobFailed");
            assertThat(error.get("message").asText()).contains("port " + stale.getLocalPort() + " already accepts connections");
            assertThat(d.status("late").get("state").asText()).isEqualTo("failed");
        }
    }

    @Test
    void regexFindsWithinALineStatusesCanBeAcceptedAndADeathFailsTheWaitAtOnce() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            // The regex is a find within the line: the first line does not match, the second does.
            d.run("--name", "re", "--ready-when-regex", "port \\d+", "--",
                    "sh -c 'echo port x; echo listening on port 42; exec sleep 300'");
            assertThat(d.bgrun("wait", "re").exitCode()).isZero();
            assertThat(d.status("re").get("reason").asText()).isEqualTo("line 2 matched: listening on port 42");

            // A 404 is not ready, unless the job lists it in http-ok-status.
            d.run("--name", "missing", "--allocate-port", "PORT", "--ready-when-url", "http://127.0.0.1:${PORT}/nope",
                    "--ready-timeout", "3s", "--", JWEBSERVER + " -b 127.0.0.1 -p $PORT -d " + d.work);
            d.run("--name", "accepted", "--allocate-port", "PORT", "--ready-when-url", "http://127.0.0.1:${PORT}/nope",
                    "--http-ok-status", "404", "--", JWEBSERVER + " -b 127.0.0.1 -p $PORT -d " + d.work);
            JsonNode missing = d.awaitState("missing", "failed");
            assertThat(missing.get("reason").asText()).startsWith("not ready within ready-timeout (3s): ready-when-url (http://127.0.0.1:")
                    .endsWith("/nope) did not hold");
            Result accepted = d.bgrun("wait", "accepted", "--timeout", "90s");
            assertThat(accepted.exitCode()).as(accepted.toString()).isZero();

            // A job that dies while awaited ends the wait then, not at the timeout.
            d.run("--name", "dies", "--ready-when", "never printed", "--", "sh -c 'echo starting; exit 3'");
            Result wait = d.bgrun("wait", "dies", "--timeout", "10m");
            assertThat(wait.exitCode()).as(wait.toString()).isEqualTo(1);
            JsonNode result = Daemon.JSON.readTree(wait.out());
            assertThat(result.get("state").asText()).isEqualTo("failed");
            assertThat(result.get("timed_out").asBoolean()).isFalse();
        }
    }
}
