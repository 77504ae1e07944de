package dev.bgrun.orchestrator.daemon;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.state.StateRoot;
import dev.bgrun.orchestrator.supervisor.Job;
import dev.bgrun.orchestrator.supervisor.RunRequest;
import dev.bgrun.orchestrator.supervisor.Supervisor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every protocol command, with arguments of every shape (numbers at and past their bounds, huge and negative
 * longs, fractions, wrong types, odd strings), answers with data or a clear error, never {@code Internal},
 * and within a deadline. Runs the daemon's real handlers on a real supervisor (real jobs, in a temporary
 * state root); the client has always already gone, so streams and waits must notice and end.
 * <p>
 * The normal test run sweeps each command's arguments through a fixed list of bad values, one at a time, over
 * a valid request ({@link #sweep}); {@code scripts/fuzz.sh ProtocolFuzzTest} lets Jazzer combine them freely.
 * Commands that start processes only ever run {@code true} or the jobs set up here.
 */
class ProtocolFuzzTest {
    private static final long DEADLINE_SECONDS = 10;

    /** The arguments each command reads (as in docs/architecture.md), in an order that keeps srv for last. */
    private static final Map<String, List<String>> ARGS = new LinkedHashMap<>();

    static {
        ARGS.put("list", List.of("workspace", "tag", "state", "name", "show_env"));
        ARGS.put("status", List.of("ref", "show_env", "current_workspace"));
        ARGS.put("stats", List.of("ref", "current_workspace"));
        ARGS.put("wait", List.of("ref", "timeout_ms", "current_workspace"));
        ARGS.put("tail", List.of("ref", "lines", "follow", "keep", "digest", "since_line", "since_time", "stream", "level",
                "filter_regex", "strip_ansi"));
        ARGS.put("diff", List.of("ref", "name", "cursor", "lines", "skip", "stream", "level", "filter_regex", "strip_ansi"));
        ARGS.put("screen", List.of("ref", "lines", "strip_ansi"));
        ARGS.put("send", List.of("ref", "data", "enter", "eof", "timeout_ms"));
        ARGS.put("events", List.of("since", "follow", "job", "workspace", "type", "limit"));
        ARGS.put("expect", List.of("ref", "text", "regex", "from_start", "timeout_ms"));
        ARGS.put("run", List.of("name", "workspace", "spec", "project", "cwd", "env", "replace"));
        ARGS.put("run_group", List.of("jobs", "env", "detach", "events", "logs", "follow", "timeout_ms"));
        ARGS.put("kill", List.of("refs", "signal", "all", "workspace", "tag"));
        ARGS.put("restart", List.of("ref", "current_workspace"));
        ARGS.put("clean", List.of("refs", "workspace", "tag", "state", "name"));
        ARGS.put("stop", List.of("refs", "all", "workspace", "tag", "current_workspace"));
    }

    /** Values that have broken, or could break, a handler: bounds, overflows, wrong types, odd text. */
    private static final List<Object> VALUES = Arrays.asList(null, true, false, 0L, 1L, -1L, (long) Integer.MAX_VALUE,
            1L << 31, -(1L << 31), 1L << 53, Long.MAX_VALUE, Long.MIN_VALUE, BigInteger.TWO.pow(70), 0.5, 1e300, -1e300,
            "", "x", "srv", "done", "now", "-1", "99999999999999999999", "+999999999-12-31T23:59:59Z",
            "-999999999-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "a\nb", "../../etc", "default/x", "(", "SIGCONT", "0",
            "x".repeat(5000), List.of(), List.of("srv"), List.of(1L), Arrays.asList((Object) null), List.of(Map.of()),
            Map.of(), Map.of("a", 1L), Map.of("cmd", "true"));

    private static Path dir;
    private static Supervisor supervisor;
    private static Map<String, Handler> handlers;

    @BeforeAll
    static void startSupervisor() throws Exception {
        dir = Files.createTempDirectory("bgrun-protocol-fuzz");
        supervisor = new Supervisor(new StateRoot(dir.resolve("root")).ensure(), message -> { });
        handlers = DaemonMain.commands(supervisor);
        // A job that stays up (never ready, reads stdin) and one that has ended.
        supervisor.run(new RunRequest("srv", "default", Map.of("cmd", "echo hi; exec sleep 300", "ready-when", "never", "stdin", true),
                null, dir.toString(), Map.of("PATH", System.getenv("PATH")), false));
        supervisor.run(new RunRequest("done", "default", Map.of("cmd", "echo bye", "oneshot", true),
                null, dir.toString(), Map.of("PATH", System.getenv("PATH")), false));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (supervisor == null) {
            return;
        }
        List<Long> pids = new ArrayList<>();
        for (Job job : supervisor.jobs()) {
            if (job.view(false).get("pid") instanceof Number pid) {
                pids.add(pid.longValue());
            }
            if (job.state().alive()) {
                supervisor.stop(job);
            }
        }
        supervisor.close();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("job process " + pid).isFalse();
        }
    }

    /** Each argument of each command, set to each bad value in turn over an otherwise valid request. */
    @Test
    void sweep() throws Exception {
        for (var command : ARGS.entrySet()) {
            for (String arg : command.getValue()) {
                for (Object value : VALUES) {
                    Map<String, Object> args = base(command.getKey());
                    args.put(arg, value);
                    ask(command.getKey(), args);
                }
            }
        }
    }

    /** Several arguments of one command, set to fuzzed values. */
    @FuzzTest(maxDuration = "60s")
    void fuzz(FuzzedDataProvider data) throws Exception {
        List<String> commands = List.copyOf(ARGS.keySet());
        String cmd = commands.get(data.consumeInt(0, commands.size() - 1));
        Map<String, Object> args = data.consumeBoolean() ? base(cmd) : new LinkedHashMap<>();
        int n = data.consumeInt(1, 4);
        for (int i = 0; i < n; i++) {
            List<String> names = ARGS.get(cmd);
            args.put(names.get(data.consumeInt(0, names.size() - 1)), value(data));
        }
        ask(cmd, args);
    }

    private static Object value(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> VALUES.get(data.consumeInt(0, VALUES.size() - 1));
            case 1 -> data.consumeLong();
            case 2 -> data.consumeRegularDouble();
            case 3 -> data.consumeBoolean();
            case 4 -> List.of(data.consumeString(20));
            default -> data.consumeString(100);
        };
    }

    /** A valid request of the command, for the sweep to spoil one argument of. */
    private static Map<String, Object> base(String cmd) {
        Map<String, Object> args = new LinkedHashMap<>();
        switch (cmd) {
            case "run" -> {
                args.put("name", "r1");
                args.put("workspace", "default");
                args.put("spec", Map.of("cmd", "true"));
                args.put("cwd", dir.toString());
                args.put("env", Map.of());
            }
            case "run_group" -> {
                args.put("jobs", List.of(Map.of("name", "g1", "workspace", "default", "cwd", dir.toString(),
                        "spec", Map.of("cmd", "true", "oneshot", true))));
                args.put("env", Map.of());
                args.put("timeout_ms", 5000L);
            }
            case "stop", "clean" -> args.put("refs", List.of("done"));
            case "kill" -> {
                args.put("refs", List.of("srv"));
                args.put("signal", "CONT");
            }
            case "wait", "expect", "send" -> {
                args.put("ref", "srv");
                args.put("timeout_ms", 0L);
                if (cmd.equals("expect")) {
                    args.put("text", "x");
                }
            }
            case "list", "events" -> {
            }
            default -> args.put("ref", "srv");
        }
        return args;
    }

    /**
     * Asks as the daemon would be asked (the args through JSON, as on the wire), with a client already gone;
     * fails on an Internal answer, another exception, or no answer within the deadline.
     */
    private static void ask(String cmd, Map<String, Object> args) throws Exception {
        String request = Json.write(args);
        if (cmd.equals("kill") && args.get("signal") instanceof String s && s.toUpperCase().matches("(SIG)?(STOP|TSTP|TTIN|TTOU|19|20|21|22)")) {
            return; // a stopped job ignores the TERM of a later stop until its stop-timeout: slow, not wrong
        }
        Map<String, Object> wire = Json.readObject(request);
        Handler handler = handlers.get(cmd);
        Handler.Responder gone = new Handler.Responder() {
            @Override
            public boolean item(Object item) {
                return false;
            }

            @Override
            public boolean open() {
                return false;
            }
        };
        CompletableFuture<Object> answer = new CompletableFuture<>();
        Thread asker = Thread.ofVirtual().start(() -> {
            try {
                answer.complete(handler.handle(wire, gone));
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        });
        try {
            answer.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            asker.interrupt();
            fail(cmd + " " + abbreviated(request) + ": no answer within " + DEADLINE_SECONDS + " s");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof BgrunException b) || b.type() == ErrorType.Internal) {
                throw new AssertionError(cmd + " " + abbreviated(request) + ": would be answered as Internal", e.getCause());
            }
        }
    }

    private static String abbreviated(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
