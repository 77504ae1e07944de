package dev.bgrun.cli.stack;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.jobs.StartFailure;
import dev.bgrun.cli.jobs.Views;
import dev.bgrun.orchestrator.error.ExitCodes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The end of a group coming up, for people: what is up and where, or what failed, why, and what it blocked. */
final class GroupReport {
    private GroupReport() {
    }

    /**
     * 0 when every job reached its target, 124 on a timeout, 127 when the failure is a job whose program could
     * not be found or executed, 1 on another failure.
     */
    @SuppressWarnings("unchecked")
    static int exitCode(Map<String, Object> result) {
        if (Boolean.TRUE.equals(result.get("ok"))) {
            return ExitCodes.OK;
        }
        if (Boolean.TRUE.equals(result.get("timed_out"))) {
            return ExitCodes.TIMEOUT;
        }
        return result.get("failure") instanceof Map<?, ?> failure && StartFailure.notExecutable((Map<String, Object>) failure)
                ? ExitCodes.NOT_EXECUTABLE : ExitCodes.FAILURE;
    }

    @SuppressWarnings("unchecked")
    /** The note for a fell_behind item: which transitions were not streamed, and where to read them. */
    static String fellBehind(Output out, Map<String, Object> item) {
        return out.dim("(this terminal read too slowly: transitions after event " + item.get("cursor") + " up to "
                + item.get("resumed_at") + " were not shown; bgrun events --since " + item.get("cursor") + ")");
    }

    static void print(Output out, Map<String, Object> result, Consumer<String> sink) {
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) result.get("jobs");
        String took = Views.duration(Duration.ofMillis(((Number) result.get("elapsed_ms")).longValue()));
        if (Boolean.TRUE.equals(result.get("detached"))) {
            List<String> parts = jobs.stream().map(j -> j.get("name") + " " + j.get("state")).toList();
            sink.accept(out.green("✓") + " submitted " + jobs.size() + " jobs: " + String.join(", ", parts)
                    + out.dim("  (the daemon starts waiting jobs as their conditions hold; `bgrun list` shows them)"));
            return;
        }
        if (Boolean.TRUE.equals(result.get("ok"))) {
            List<String> parts = new ArrayList<>();
            for (Map<String, Object> j : jobs) {
                String at = Boolean.TRUE.equals(j.get("reused")) ? "already " + j.get("state")
                        : j.get("target") + " " + Views.duration(Duration.ofMillis(((Number) j.get("reached_ms")).longValue()));
                parts.add(out.bold((String) j.get("name")) + " " + at);
            }
            sink.accept(out.green("✓") + " " + jobs.size() + (jobs.size() == 1 ? " job" : " jobs") + " up in " + took + ": "
                    + String.join(", ", parts));
            for (Map<String, Object> j : jobs) {
                Map<String, Object> ports = (Map<String, Object>) j.get("ports");
                if (ports != null && !ports.isEmpty()) {
                    List<String> p = ports.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
                    sink.accept("  " + j.get("name") + ": " + String.join(" ", p));
                }
            }
            return;
        }
        if (Boolean.TRUE.equals(result.get("timed_out"))) {
            List<String> pending = new ArrayList<>();
            for (Map<String, Object> j : jobs) {
                if (!Boolean.TRUE.equals(j.get("reached"))) {
                    pending.add(out.bold((String) j.get("name")) + " " + Views.state(out, (String) j.get("state"))
                            + out.dim(" (" + j.get("reason") + ")"));
                }
            }
            sink.accept(out.red("✗") + " timed out after " + took + "; not there yet: " + String.join(", ", pending));
            return;
        }
        Map<String, Object> failure = (Map<String, Object>) result.get("failure");
        sink.accept(out.red("✗") + " failed after " + took + ": " + out.bold((String) failure.get("job")) + " "
                + Views.state(out, (String) failure.get("state")) + " (" + failure.get("reason") + ")");
        List<Map<String, Object>> last = (List<Map<String, Object>>) failure.get("last_lines");
        Map<String, Object> log = (Map<String, Object>) failure.get("log");
        if (last.isEmpty()) {
            sink.accept(out.dim("  " + failure.get("job") + " wrote no output"));
        } else {
            sink.accept(out.dim("  last " + last.size() + " of " + failure.get("total_lines") + " lines of "
                    + failure.get("job") + " (full log: " + log.get("stdout") + ", " + log.get("stderr") + "):"));
            for (Map<String, Object> line : last) {
                String text = "    " + line.get("content");
                sink.accept("stderr".equals(line.get("stream")) ? out.red(text) : text);
            }
        }
        List<String> blocked = (List<String>) result.get("blocked");
        if (blocked != null && !blocked.isEmpty()) {
            sink.accept("  " + Views.state(out, "blocked") + " by it: " + String.join(", ", blocked));
        }
    }
}
