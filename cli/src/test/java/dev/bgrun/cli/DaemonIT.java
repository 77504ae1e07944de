package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The daemon itself: started exactly once under a race, and robust to bad protocol input. */
class DaemonIT {
    @TempDir
    Path tmp;

    @Test
    void hundredConcurrentCallsOnAFreshRootStartExactlyOneDaemon() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            assertThat(d.json("daemon", "status").get("running").asBoolean()).isFalse();
            List<Future<Result>> calls = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(100)) {
                for (int i = 0; i < 100; i++) {
                    calls.add(pool.submit(() -> BgrunProcess.run(d.work, d.env(), List.of(BgrunProcess.JAVA,
                            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", "-jar",
                            BgrunProcess.JAR.toString(), "list"))));
                }
                for (Future<Result> call : calls) {
                    Result r = call.get();
                    assertThat(r.exitCode()).as(r.toString()).isZero();
                }
            }
            String log = Files.readString(d.home.resolve("daemon.log"));
            assertThat(log.lines().filter(l -> l.contains(" starting on ")).count()).as(log).isEqualTo(1);
            assertThat(log).doesNotContain("another daemon holds");
            assertThat(d.json("daemon", "status").get("running").asBoolean()).isTrue();
        }
    }

    @Test
    void badProtocolInputIsAnsweredWithAnErrorAndTheDaemonKeepsServing() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.json("list"); // starts the daemon
            Path socket = d.home.resolve("daemon.sock");
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                OutputStream out = Channels.newOutputStream(channel);
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));

                JsonNode malformed = ask(out, in, "{\"v\":1,\"id\":1,\"cmd\":");
                assertThat(malformed.get("ok").asBoolean()).isFalse();
                assertThat(malformed.get("error").get("type").asText()).isEqualTo("ProtocolError");
                assertThat(malformed.get("error").get("message").asText()).startsWith("malformed request");

                JsonNode unknown = ask(out, in, "{\"v\":1,\"id\":2,\"cmd\":\"dance\",\"args\":{}}");
                assertThat(unknown.get("id").asInt()).isEqualTo(2);
                assertThat(unknown.get("error").get("message").asText()).isEqualTo("unknown command \"dance\"");
                assertThat(unknown.get("error").get("hint").asText()).contains("run", "status", "list");

                JsonNode version = ask(out, in, "{\"v\":99,\"id\":3,\"cmd\":\"ping\"}");
                assertThat(version.get("error").get("message").asText())
                        .isEqualTo("unsupported protocol version 99; this daemon speaks version 1");

                JsonNode badArgs = ask(out, in, "{\"v\":1,\"id\":4,\"cmd\":\"status\",\"args\":{\"ref\":7}}");
                assertThat(badArgs.get("error").get("message").asText()).isEqualTo("\"ref\" in args must be a string");

                // The same connection still answers a good request.
                JsonNode ping = ask(out, in, "{\"v\":1,\"id\":5,\"cmd\":\"ping\"}");
                assertThat(ping.get("ok").asBoolean()).isTrue();
                assertThat(ping.get("data").get("protocol").asInt()).isEqualTo(1);

                // A line of several megabytes is refused (and skipped); the connection stays usable.
                JsonNode huge = ask(out, in, "{\"v\":1,\"id\":6,\"cmd\":\"ping\",\"pad\":\"" + "x".repeat(3 << 20) + "\"}");
                assertThat(huge.get("error").get("message").asText()).isEqualTo("request line longer than 1048576 bytes (1 MiB); skipped");
                assertThat(huge.get("error").get("hint").asText()).contains("environment");
                assertThat(ask(out, in, "{\"v\":1,\"id\":7,\"cmd\":\"ping\"}").get("ok").asBoolean()).isTrue();
            }
            // Other clients are served as before.
            Result list = d.bgrun("list");
            assertThat(list.exitCode()).as(list.toString()).isZero();
        }
    }

    @Test
    void anIdleDaemonWithNoLiveJobExitsAndTheNextCallBringsOneBack() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            Map<String, String> env = Map.of("BGRUN_HOME", d.home.toString(), "BGRUN_IDLE_TIMEOUT", "1s",
                    "BGRUN_DAEMON_JAVA_OPTIONS", " -Dbgrun.it.marker=idle  -Xmn7m ");
            Result first = BgrunProcess.bgrun(d.work, env, "run", "--name", "brief", "--", "sleep", "2");
            assertThat(first.exitCode()).as(first.toString()).isZero();
            long pid = d.daemonPid();
            // The extra JVM options come after the daemon's own, so they win.
            List<String> args = List.of(ProcessHandle.of(pid).orElseThrow().info().arguments().orElseThrow());
            assertThat(args).contains("-Dbgrun.it.marker=idle");
            String young = dev.bgrun.orchestrator.daemon.DaemonLauncher.JVM_OPTIONS.stream()
                    .filter(o -> o.startsWith("-Xmn")).findFirst().orElseThrow();
            assertThat(args.indexOf(young)).isNotNegative().isLessThan(args.lastIndexOf("-Xmn7m"));
            // Alive while its job runs; gone a second after the job ended and no client is connected.
            await().atMost(Duration.ofSeconds(60)).until(() -> !Daemon.alive(pid));
            assertThat(Files.readString(d.home.resolve("daemon.log"))).contains("with no live job; exiting");
            JsonNode status = d.status("brief");
            assertThat(status.get("state").asText()).isEqualTo("exited");
            assertThat(d.daemonPid()).isNotEqualTo(pid);
        }
    }

    private static JsonNode ask(OutputStream out, BufferedReader in, String line) throws Exception {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return Daemon.JSON.readTree(in.readLine());
    }
}
