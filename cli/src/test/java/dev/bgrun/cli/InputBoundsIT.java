package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad values get a clear error, never Internal and never a hang: names given outside a project file, numbers
 * and times out of range (from the CLI and on the raw protocol), an environment too large for a request; a
 * wait or expect whose client has gone frees its handler. (The backoff floor is in JobLifecycleIT.)
 */
class InputBoundsIT {
    @TempDir
    Path tmp;

    @Test
    void namesGivenOutsideAProjectFileFollowItsRules() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.json("list"); // starts the daemon: the CLI refuses these names before it would
            JsonNode dotted = usageError(d.bgrun("run", "--name", "a.b", "--", "true"));
            assertThat(dotted.get("message").asText()).isEqualTo("invalid job name: use letters, digits, underscores and "
                    + "hyphens (no dots or slashes), at most 64 characters; got \"a.b\"");
            assertThat(dotted.get("details").get("hint").asText()).isEqualTo("did you mean \"a-b\"?");
            assertThat(usageError(d.bgrun("run", "--name", "two\nlines", "--", "true")).get("message").asText())
                    .endsWith("got \"two\\nlines\"");
            JsonNode spec = usageError(d.bgrun("run", "--spec", "{\"name\":\"default/x\",\"cmd\":\"true\"}"));
            assertThat(spec.get("message").asText()).contains("invalid job name").contains("\"default/x\"");
            assertThat(usageError(d.bgrun("run", "--spec", "{\"name\":7,\"cmd\":\"true\"}")).get("message").asText())
                    .isEqualTo("--spec: \"name\" must be a string, got 7");

            // The daemon checks too, for any client: run and run_group, job and workspace names.
            for (String name : List.of("", "../../etc", "default/x")) {
                usage(ask(d, "run", runArgs(name, "default")), "invalid job name");
            }
            usage(ask(d, "run", runArgs("a.b", "default")), "invalid job name");
            usage(ask(d, "run", runArgs("web", "../x")), "invalid workspace");
            Map<String, Object> group = new HashMap<>();
            group.put("jobs", List.of(runArgs("x/y", "default")));
            group.put("env", Map.of());
            usage(ask(d, "run_group", group), "invalid job name");
            assertThat(d.bgrunLines("list")).isEmpty();
        }
    }

    @Test
    void outOfRangeValuesAreUsageErrorsThatNameTheBound() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "srv", "--ready-when", "never", "--", "sh -c 'echo hello; exec sleep 300'");
            assertThat(usageError(d.bgrun("tail", "srv", "--since", "+999999999-12-31T23:59:59Z")).get("message").asText())
                    .isEqualTo("--since: expected a time between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, got +999999999-12-31T23:59:59Z");
            assertThat(usageError(d.bgrun("tail", "srv", "--since", "99999999999999999999")).get("message").asText())
                    .isEqualTo("--since: expected a whole number from 0 to 9007199254740992, got 99999999999999999999");
            assertThat(usageError(d.bgrun("events", "--limit", "2147483648")).get("message").asText())
                    .isEqualTo("--limit: expected a whole number from 1 to 1000000, got 2147483648");
            assertThat(usageError(d.bgrun("wait", "srv", "--timeout", "9999999h")).get("message").asText())
                    .startsWith("--timeout: expected a duration from 0 to 8760h (365 days)");
            assertThat(usageError(d.bgrun("kill", "srv", "-s", "NOPE")).get("message").asText()).isEqualTo("unknown signal \"NOPE\"");

            // The raw protocol: each answered at once (ask has a deadline), as a UsageError naming the arg.
            long min = Long.MIN_VALUE;
            long max = Long.MAX_VALUE;
            usage(ask(d, "wait", Map.of("ref", "srv", "timeout_ms", min)), "\"timeout_ms\": expected");
            usage(ask(d, "wait", Map.of("ref", "srv", "timeout_ms", max)), "\"timeout_ms\": expected");
            usage(ask(d, "expect", Map.of("ref", "srv", "text", "x", "timeout_ms", min)), "\"timeout_ms\"");
            usage(ask(d, "events", Map.of("limit", 10_001)), "\"limit\": expected a whole number from 1 to 10000"); // one call's page: the CLI asks page by page
            usage(ask(d, "events", Map.of("limit", 1L << 31)), "\"limit\": expected a whole number from 1 to 10000");
            usage(ask(d, "kill", Map.of("refs", List.of("srv"), "signal", "NOPE")), "unknown signal");
            usage(ask(d, "tail", Map.of("ref", "srv", "since_time", "+999999999-12-31T23:59:59Z")), "\"since_time\"");
            usage(ask(d, "tail", Map.of("ref", "srv", "lines", 1e300)), "\"lines\"");
            JsonNode fraction = ask(d, "tail", Map.of("ref", "srv", "lines", 2.5));
            assertThat(fraction.get("type").asText()).isEqualTo("ProtocolError");
            assertThat(fraction.get("message").asText()).isEqualTo("\"lines\" in args must be a whole number");
            assertThat(d.status("srv").get("state").asText()).isEqualTo("running");
        }
    }

    @Test
    void anEnvironmentTooLargeForARequestIsExplained() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            // Linux caps one variable at 128 KiB: ten of 110 KB make a request over the daemon's 1 MiB.
            Map<String, String> env = new HashMap<>(d.env());
            for (int i = 0; i < 10; i++) {
                env.put("BIG_" + i, (i == 3 ? "y" : "x").repeat(110_000 + (i == 3 ? 1000 : 0)));
            }
            Result r = BgrunProcess.bgrun(d.work, env, "run", "--name", "web", "--", "true");
            JsonNode error = usageError(r);
            assertThat(error.get("message").asText()).startsWith("the run request is ")
                    .contains("MiB, over the daemon's limit of 1.0 MiB; your environment (which the job inherits) is")
                    .contains("largest: BIG_3 (108.4 KiB)");
            assertThat(error.get("details").get("hint").asText()).contains("env -u BIG_3 bgrun", "env -i", "--env");
            assertThat(error.get("details").get("limit_bytes").asInt()).isEqualTo(1 << 20);
        }
    }

    @Test
    void waitExpectAndRunGroupEndWhenTheirClientHasGone() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.run("--name", "srv", "--ready-when", "never", "--", "sleep", "300");
            Path project = BgrunProcess.project(java.nio.file.Files.createDirectories(tmp.resolve("group")),
                    "[jobs.quiet]\ncmd = \"exec sleep 300\"\nready-when = \"never printed\"\n");
            for (String[] command : List.of(new String[]{"wait", "srv", "--timeout", "10m"},
                    new String[]{"expect", "srv", "never written", "--timeout", "10m"},
                    new String[]{"-f", project.resolve("bgrun.toml").toString(), "run-group", "--timeout", "10m"})) {
                List<String> args = new ArrayList<>(List.of(command));
                try (Background client = new Background(d.work, d.env(), args.toArray(String[]::new))) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> connections(d) == 1);
                    client.close(); // SIGKILL: the client cannot say goodbye
                }
                // The handler notices the closed socket within its check interval, not after 10 minutes.
                await(String.join(" ", command) + ": its handler ends").atMost(Duration.ofSeconds(30)).until(() -> connections(d) == 0);
            }
        }
    }

    private static int connections(Daemon d) {
        return d.json("daemon", "status").get("connections").asInt();
    }

    private static Map<String, Object> runArgs(String name, String workspace) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("name", name);
        args.put("workspace", workspace);
        args.put("spec", Map.of("cmd", "true"));
        args.put("cwd", "/tmp");
        args.put("env", Map.of());
        return args;
    }

    private static void usage(JsonNode error, String text) {
        assertThat(error.get("type").asText()).as(error.toString()).isEqualTo("UsageError");
        assertThat(error.get("message").asText()).contains(text);
    }

    /** A CLI result that must be a usage error (exit 2); its error object. */
    private static JsonNode usageError(Result r) throws IOException {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        JsonNode error = Daemon.JSON.readTree(r.err()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("UsageError");
        return error;
    }

    /** One request on the daemon's socket; its error object (the answer must be an error, within 20 s). */
    private static JsonNode ask(Daemon d, String cmd, Map<String, Object> args) throws Exception {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(d.home.resolve("daemon.sock")));
            OutputStream out = Channels.newOutputStream(channel);
            Map<String, Object> request = Map.of("v", 1, "id", 1, "cmd", cmd, "args", args);
            out.write((Daemon.JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(20, TimeUnit.SECONDS);
            JsonNode answer = Daemon.JSON.readTree(line);
            assertThat(answer.get("ok").asBoolean()).as(line).isFalse();
            return answer.get("error");
        }
    }
}
