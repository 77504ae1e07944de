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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A long-lived benchmark client for log reads (scripts/bench/log-reads.sh): it reads commands on standard
 * input, one a line, and answers on standard output, one line each, over ONE daemon connection, so the shell
 * drives it as a coprocess and a timed request costs the daemon's round trip only (request written, answer
 * read and parsed), with no JVM start. Jobs live in workspace WS; REF is a job reference (WS/NAME).
 * <pre>
 *   LogClient HOME WS
 *     run NAME SPEC_JSON          runs job NAME with that spec -> "ran NAME STATE ID"
 *     state REF                   -> "state STATE"
 *     count REF                   a tail of 0 lines (which makes the daemon index what is pending)
 *                                 -> "count TOTAL_LINES"
 *     tail REF LINES [LEVEL]      one timed tail request (LEVEL: a --level filter, or none)
 *                                 -> "tailed US SHOWN TOTAL_LINES FIRST_SHOWN LAST_SHOWN ANSWER_BYTES"
 *     diff REF NAME LINES [STREAM] one timed diff request with the daemon-kept cursor NAME (STREAM: a
 *                                 --stream filter; one that matches no line moves the cursor to the end)
 *                                 -> "diffed US SHOWN CURSOR MORE FIRST_SHOWN LAST_SHOWN CONTENT_BYTES ANSWER_BYTES"
 *     stop REF                    stops and removes the job -> "stopped"
 *     quit (or end of input)      exits
 *   US is the round trip in microseconds (System.nanoTime around the call); ANSWER_BYTES the answer's data
 *   as JSON (measured after the timing); FIRST_SHOWN/LAST_SHOWN line numbers (0 when none).
 *   Any failure -> "error MESSAGE".
 * </pre>
 */
public class LogClient {
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private static long lineNumber(List<?> lines, int i) {
        return lines.isEmpty() ? 0 : ((Number) ((Map<?, ?>) lines.get(i)).get("line_number")).longValue();
    }

    public static void main(String[] a) throws Exception {
        StateRoot root = new StateRoot(Path.of(a[0]));
        String workspace = a[1];
        String cwd = System.getProperty("user.dir");
        Map<String, String> env = System.getenv();
        DaemonClient c = DaemonClient.connect(root, DaemonLauncher.ofCurrentProcess());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.strip().split(" ", 3);
            try {
                switch (w[0]) {
                    case "run" -> {
                        Map<String, Object> args = new HashMap<>();
                        args.put("name", w[1]);
                        args.put("workspace", workspace);
                        args.put("spec", Json.readObject(w[2]));
                        args.put("project", null);
                        args.put("cwd", cwd);
                        args.put("env", env);
                        args.put("replace", false);
                        Map<?, ?> job = (Map<?, ?>) c.call("run", args);
                        OUT.println("ran " + w[1] + " " + job.get("state") + " " + job.get("id"));
                    }
                    case "state" -> {
                        Map<?, ?> job = (Map<?, ?>) c.call("status", Map.of("ref", w[1], "show_env", false));
                        OUT.println("state " + job.get("state"));
                    }
                    case "count" -> {
                        Map<?, ?> r = (Map<?, ?>) c.call("tail", Map.of("ref", w[1], "lines", 0));
                        OUT.println("count " + r.get("total_lines"));
                    }
                    case "tail" -> {
                        String[] rest = w[2].split(" ");
                        Map<String, Object> args = new HashMap<>();
                        args.put("ref", w[1]);
                        args.put("lines", Long.parseLong(rest[0]));
                        if (rest.length > 1) {
                            args.put("level", rest[1]);
                        }
                        long s = System.nanoTime();
                        Map<?, ?> r = (Map<?, ?>) c.call("tail", args);
                        long us = (System.nanoTime() - s) / 1000;
                        List<?> lines = (List<?>) r.get("lines");
                        OUT.println("tailed " + us + " " + lines.size() + " " + r.get("total_lines") + " "
                                + lineNumber(lines, 0) + " " + lineNumber(lines, lines.size() - 1) + " "
                                + Json.write(r).getBytes(StandardCharsets.UTF_8).length);
                    }
                    case "diff" -> {
                        String[] rest = w[2].split(" ");
                        Map<String, Object> args = new HashMap<>();
                        args.put("ref", w[1]);
                        args.put("name", rest[0]);
                        args.put("lines", Long.parseLong(rest[1]));
                        if (rest.length > 2) {
                            args.put("stream", rest[2]);
                        }
                        long s = System.nanoTime();
                        Map<?, ?> r = (Map<?, ?>) c.call("diff", args);
                        long us = (System.nanoTime() - s) / 1000;
                        List<?> lines = (List<?>) r.get("lines");
                        long content = 0;
                        for (Object l : lines) {
                            content += ((String) ((Map<?, ?>) l).get("content")).getBytes(StandardCharsets.UTF_8).length + 1;
                        }
                        OUT.println("diffed " + us + " " + lines.size() + " " + r.get("cursor") + " " + r.get("more") + " "
                                + lineNumber(lines, 0) + " " + lineNumber(lines, lines.size() - 1) + " " + content + " "
                                + Json.write(r).getBytes(StandardCharsets.UTF_8).length);
                    }
                    case "stop" -> {
                        c.call("stop", Map.of("refs", List.of(w[1])));
                        c.call("clean", Map.of("refs", List.of(w[1])));
                        OUT.println("stopped");
                    }
                    case "quit" -> {
                        c.close();
                        System.exit(0);
                    }
                    default -> OUT.println("error unknown command " + w[0]);
                }
            } catch (Exception e) {
                OUT.println("error " + String.valueOf(e).replace('\n', ' '));
            }
        }
        c.close();
        System.exit(0);
    }
}
