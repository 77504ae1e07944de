import dev.bgrun.orchestrator.daemon.DaemonClient;
import dev.bgrun.orchestrator.daemon.DaemonLauncher;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.state.StateRoot;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A long-lived benchmark client for readiness latency (scripts/bench/readiness-latency.sh): it reads commands
 * on standard input, one a line, and answers on standard output, one line each, so the shell drives it as a
 * coprocess without paying a JVM start per request. Jobs live in workspace WS.
 * <pre>
 *   ReadyClient HOME WS
 *     run NAME SPEC_JSON   runs job NAME with that spec (the keys of a [jobs.NAME] table)
 *                          -> "ran NAME STATE ID"
 *     wait NAME TIMEOUT_MS sends a wait request on a connection of its own, in the background
 *                          -> "sent NAME" at once; later "waited NAME EPOCH_NS READY STATE DAEMON_ELAPSED_MS",
 *                             EPOCH_NS being the wall clock (CLOCK_REALTIME, as date +%s%N) when the answer arrived
 *     stop NAME            stops and removes the job -> "stopped NAME"
 *     quit (or end of input) exits
 *   Any failure -> "error NAME MESSAGE".
 * </pre>
 */
public class ReadyClient {
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private static void say(String line) {
        synchronized (OUT) {
            OUT.println(line);
        }
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    public static void main(String[] a) throws Exception {
        StateRoot root = new StateRoot(Path.of(a[0]));
        String workspace = a[1];
        String cwd = System.getProperty("user.dir");
        Map<String, String> env = System.getenv();
        DaemonClient control = DaemonClient.connect(root, DaemonLauncher.ofCurrentProcess());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.strip().split(" ", 3);
            String cmd = words[0];
            String name = words.length > 1 ? words[1] : "";
            try {
                switch (cmd) {
                    case "run" -> {
                        Map<String, Object> args = new HashMap<>();
                        args.put("name", name);
                        args.put("workspace", workspace);
                        args.put("spec", Json.readObject(words[2]));
                        args.put("project", null);
                        args.put("cwd", cwd);
                        args.put("env", env);
                        args.put("replace", false);
                        Map<?, ?> job = (Map<?, ?>) control.call("run", args);
                        say("ran " + name + " " + job.get("state") + " " + job.get("id"));
                    }
                    case "wait" -> {
                        long timeoutMs = Long.parseLong(words[2]);
                        DaemonClient waiter = DaemonClient.tryConnect(root);
                        if (waiter == null) {
                            throw new IllegalStateException("the daemon does not answer");
                        }
                        Thread.ofPlatform().daemon(true).name("wait-" + name).start(() -> {
                            try (waiter) {
                                Map<?, ?> r = (Map<?, ?>) waiter.call("wait",
                                        Map.of("ref", workspace + "/" + name, "timeout_ms", timeoutMs));
                                long at = epochNanos();
                                say("waited " + name + " " + at + " " + r.get("ready") + " " + r.get("state") + " "
                                        + r.get("elapsed_ms"));
                            } catch (Exception e) {
                                say("error " + name + " " + String.valueOf(e).replace('\n', ' '));
                            }
                        });
                        say("sent " + name);
                    }
                    case "stop" -> {
                        String ref = workspace + "/" + name;
                        control.call("stop", Map.of("refs", List.of(ref)));
                        control.call("clean", Map.of("refs", List.of(ref)));
                        say("stopped " + name);
                    }
                    case "quit" -> {
                        control.close();
                        System.exit(0);
                    }
                    default -> say("error " + name + " unknown command " + cmd);
                }
            } catch (Exception e) {
                say("error " + name + " " + String.valueOf(e).replace('\n', ' '));
            }
        }
        control.close();
        System.exit(0);
    }
}
