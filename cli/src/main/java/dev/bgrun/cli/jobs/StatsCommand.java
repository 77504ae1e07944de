package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code bgrun stats}: what a job's process tree uses now. */
@Command(name = "stats", description = "Show a job's CPU use, resident memory, threads and uptime over its whole process tree, and the TCP ports it listens on.",
        footerHeading = "%nExamples:%n", footer = {"  bgrun stats web", "  bgrun stats web --json"})
public final class StatsCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Id, id prefix, NAME or WORKSPACE/NAME.")
    private String ref;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Map<String, Object> stats = (Map<String, Object>) DaemonAccess.call(spec, "stats", Map.of("ref", ref));
        Output out = ProjectArgs.root(spec).output();
        if (out.json()) {
            out.data(stats);
            return;
        }
        Object uptime = stats.get("uptime_ms");
        out.line(out.bold((String) stats.get("name")) + " " + Views.state(out, (String) stats.get("state"))
                + (uptime == null ? "" : " for " + Views.duration(Duration.ofMillis(((Number) uptime).longValue())))
                + (stats.get("pid") == null ? "" : ", pid " + stats.get("pid")));
        if (uptime == null) {
            return;
        }
        long rss = ((Number) stats.get("rss_bytes")).longValue();
        out.line("  cpu " + stats.get("cpu_percent") + "%  (" + stats.get("cpu_seconds") + " s in all)   memory "
                + String.format("%.1f MiB", rss / 1048576.0) + "   threads " + stats.get("threads") + " in "
                + stats.get("processes") + (((Number) stats.get("processes")).intValue() == 1 ? " process" : " processes"));
        List<Map<String, Object>> listening = (List<Map<String, Object>>) stats.get("listening");
        out.line("  listening: " + (listening.isEmpty() ? out.dim("no TCP port")
                : String.join(", ", listening.stream().map(l -> l.get("address") + ":" + l.get("port")).toList())));
    }
}
