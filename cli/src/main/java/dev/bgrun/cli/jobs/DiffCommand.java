package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.daemon.Bounds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bgrun diff}: the lines a job wrote since the last look, by a cursor the daemon keeps or the caller gives. */
@Command(name = "diff", description = "Show only the lines a job wrote since the last diff (a cursor kept by the daemon), or since --cursor N.",
        footerHeading = "%nExamples:%n", footer = {"  bgrun diff web", "  bgrun diff web --name agent-7", "  bgrun diff web --skip", "  bgrun diff web --cursor 120 --json",
        "  bgrun diff web --level error"})
public final class DiffCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Id, id prefix, NAME or WORKSPACE/NAME.")
    private String ref;

    @Option(names = "--cursor", paramLabel = "N", description = "Lines after this line number; nothing is kept (the answer's cursor is the next one).")
    private Long cursor;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "default",
            description = "The daemon-kept cursor to read and move (default: ${DEFAULT-VALUE}); one per reader.")
    private String name;

    @Option(names = {"-l", "--lines"}, paramLabel = "N", defaultValue = "1000",
            description = "At most this many lines; the cursor stops at the last one shown (default: ${DEFAULT-VALUE}).")
    private long lines;

    @Option(names = "--skip", description = "Return nothing and move the cursor to the end: later diffs show only what comes after.")
    private boolean skip;

    @Mixin
    private LogFilterOptions filter;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Output out = ProjectArgs.root(spec).output();
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("ref", ref);
        args.put("cursor", cursor == null ? null : Bounds.range("--cursor", cursor, 0, Bounds.MAX_LINE));
        args.put("name", name);
        args.put("lines", Bounds.range("--lines", lines, 1, Integer.MAX_VALUE));
        args.put("skip", skip);
        filter.addTo(args);
        Map<String, Object> answer = (Map<String, Object>) DaemonAccess.call(spec, "diff", args);
        if (out.json()) {
            out.data(answer);
            return;
        }
        long missed = ((Number) answer.get("missed")).longValue();
        if (missed > 0) {
            out.note(out.yellow("(" + missed + " lines were rotated away before this diff)"));
        }
        for (Map<String, Object> line : (List<Map<String, Object>>) answer.get("lines")) {
            LogFilterOptions.print(out, line);
        }
        out.note(out.dim(Boolean.TRUE.equals(answer.get("more")) ? answer.get("summary") + " Run diff again for the rest."
                : "cursor: " + answer.get("cursor")));
    }
}
