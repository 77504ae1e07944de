import dev.bgrun.orchestrator.daemon.DaemonClient;
import dev.bgrun.orchestrator.daemon.DaemonLauncher;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.state.StateRoot;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark client: talks to the daemon over ONE connection, so the daemon's own cost is measured without a
 * JVM start per request. Timed inside; prints one JSON line.
 * <pre>
 *   BenchClient HOME run PREFIX FROM TO [SPEC_JSON]
 *                                           runs jobs PREFIX{FROM..TO-1} in workspace "bench", each with the
 *                                           spec SPEC_JSON (default {"cmd":["sleep","600"]})
 *   BenchClient HOME stop-all               one stop request for every live job
 *   BenchClient HOME clean                  removes every ended job
 *   BenchClient HOME repeat N CMD [REF]     N requests of CMD (status REF, list, daemon.status): median and p90 in us
 * </pre>
 */
public class BenchClient {
    public static void main(String[] a) {
        long t0 = System.nanoTime();
        try (DaemonClient c = DaemonClient.connect(new StateRoot(Path.of(a[0])), DaemonLauncher.ofCurrentProcess())) {
            long t1 = System.nanoTime();
            int count = 0;
            int notLive = 0;
            String extra = "";
            switch (a[1]) {
                case "run" -> {
                    String cwd = System.getProperty("user.dir");
                    Map<String, String> env = System.getenv();
                    Map<String, Object> spec = a.length > 5 ? Json.readObject(a[5]) : Map.of("cmd", List.of("sleep", "600"));
                    for (int i = Integer.parseInt(a[3]); i < Integer.parseInt(a[4]); i++) {
                        Map<String, Object> args = new HashMap<>();
                        args.put("name", a[2] + i);
                        args.put("workspace", "bench");
                        args.put("spec", spec);
                        args.put("project", null);
                        args.put("cwd", cwd);
                        args.put("env", env);
                        args.put("replace", false);
                        Map<?, ?> job = (Map<?, ?>) c.call("run", args);
                        Object state = job.get("state");
                        if (!"ready".equals(state) && !"running".equals(state)) {
                            notLive++;
                        }
                        count++;
                    }
                }
                case "stop-all" -> {
                    Map<?, ?> r = (Map<?, ?>) c.call("stop", Map.of("all", true, "refs", List.of()));
                    count = ((List<?>) r.get("stopped")).size();
                }
                case "clean" -> {
                    Map<?, ?> r = (Map<?, ?>) c.call("clean", Map.of("refs", List.of()));
                    count = ((List<?>) r.get("removed")).size();
                }
                case "repeat" -> {
                    int n = Integer.parseInt(a[2]);
                    String cmd = a[3];
                    Map<String, Object> args = new HashMap<>();
                    if (cmd.equals("status")) {
                        args.put("ref", a[4]);
                        args.put("show_env", false);
                    }
                    long[] us = new long[n];
                    for (int i = 0; i < n; i++) {
                        long s = System.nanoTime();
                        c.call(cmd, args);
                        us[i] = (System.nanoTime() - s) / 1000;
                    }
                    count = n;
                    Arrays.sort(us);
                    extra = String.format(",\"median_us\":%d,\"p90_us\":%d,\"min_us\":%d", us[n / 2],
                            us[Math.min(n - 1, (int) Math.ceil(n * 0.9) - 1)], us[0]);
                }
                default -> throw new IllegalArgumentException(a[1]);
            }
            long t2 = System.nanoTime();
            System.out.printf("{\"connect_ms\":%.3f,\"ms\":%.3f,\"count\":%d,\"not_live\":%d%s}%n",
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6, count, notLive, extra);
        }
    }
}
