package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.daemon.Bounds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** {@code bgrun screen}: a job's most recent lines from the daemon's memory, for cheap polling. */
@Command(name = "screen", description = "Show a job's most recent lines from the daemon's memory (kept a few minutes after it ends); cheap to poll.",
        footerHeading = "%nExamples:%n", footer = {"  bgrun screen web", "  bgrun screen web --lines 5 --strip-ansi"})
public final class ScreenCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Id, id prefix, NAME or WORKSPACE/NAME.")
    private String ref;

    @Option(names = {"-l", "--lines"}, paramLabel = "N", defaultValue = "20", description = "How many lines (default: ${DEFAULT-VALUE}).")
    private long lines;

    @Option(names = "--strip-ansi", description = "Remove terminal escape sequences (colours) from the text.")
    private boolean stripAnsi;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Output out = ProjectArgs.root(spec).output();
        Map<String, Object> answer = (Map<String, Object>) DaemonAccess.call(spec, "screen",
                Map.of("ref", ref, "lines", Bounds.range("--lines", lines, 0, Integer.MAX_VALUE), "strip_ansi", stripAnsi));
        if (out.json()) {
            out.data(answer);
            return;
        }
        for (Map<String, Object> line : (List<Map<String, Object>>) answer.get("lines")) {
            out.line((String) line.get("content"));
        }
    }
}
