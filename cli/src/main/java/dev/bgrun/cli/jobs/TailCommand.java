package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.config.Durations;
import dev.bgrun.orchestrator.daemon.Bounds;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bgrun tail}: a job's last lines, a digest of them, and with {@code --follow} the new ones as they come. */
@Command(name = "tail", description = "Show a job's last output lines (or a digest of them); --follow streams new ones until the job ends.",
        footerHeading = "%nExamples:%n", footer = {"  bgrun tail web", "  bgrun tail web --lines 100 --level warn",
        "  bgrun tail web --digest", "  bgrun tail web --since 5m --filter-regex 'GET /api'", "  bgrun tail web --follow --strip-ansi"})
public final class TailCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Id, id prefix, NAME or WORKSPACE/NAME.")
    private String ref;

    @Option(names = {"-l", "--lines"}, paramLabel = "N", defaultValue = "20", description = "How many lines (default: ${DEFAULT-VALUE}).")
    private long lines;

    @Option(names = {"-F", "--follow"}, description = "Keep printing new lines until the job ends (NDJSON in JSON mode).")
    private boolean follow;

    @Option(names = "--keep", description = "With --follow: go on after the job ends (through restarts) until interrupted.")
    private boolean keep;

    @Option(names = "--digest", description = "A summary instead of lines: error and warning counts, the last error, the first and last lines.")
    private boolean digest;

    @Option(names = "--newest-first", description = "The lines shown newest first (a search: --filter-regex RE --newest-first).")
    private boolean newestFirst;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only lines after this line number, or written since a time "
            + "(RFC 3339) or a duration ago (5m).")
    private String since;

    @Mixin
    private LogFilterOptions filter;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Output out = ProjectArgs.root(spec).output();
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("ref", ref);
        args.put("lines", Bounds.range("--lines", lines, 0, Integer.MAX_VALUE));
        args.put("follow", follow);
        args.put("keep", keep);
        args.put("digest", digest);
        addSince(args, since);
        filter.addTo(args);
        if (keep && !follow) {
            throw new BgrunException(ErrorType.UsageError, "--keep goes with --follow");
        }
        if (digest && follow) {
            throw new BgrunException(ErrorType.UsageError, "--digest cannot be followed", "use --digest or --follow");
        }
        if (newestFirst && (follow || digest)) {
            throw new BgrunException(ErrorType.UsageError, "--newest-first goes with neither --follow nor --digest");
        }
        if (follow) {
            DaemonAccess.stream(spec, "tail", args, item -> {
                LogFilterOptions.print(out, (Map<String, Object>) item);
                return true;
            });
            return;
        }
        Map<String, Object> answer = (Map<String, Object>) DaemonAccess.call(spec, "tail", args);
        if (newestFirst) {
            answer.put("lines", ((List<Object>) answer.get("lines")).reversed());
        }
        if (out.json()) {
            out.data(answer);
            return;
        }
        if (digest) {
            printDigest(out, answer);
            return;
        }
        for (Map<String, Object> line : (List<Map<String, Object>>) answer.get("lines")) {
            LogFilterOptions.print(out, line);
        }
        if (Boolean.TRUE.equals(answer.get("truncated"))) {
            out.note(out.dim("(" + answer.get("summary") + ")"));
        }
    }

    /** --since: a line number, an RFC 3339 time, or a duration ago. */
    static void addSince(Map<String, Object> args, String since) {
        if (since == null) {
            return;
        }
        if (since.matches("\\d+")) {
            if (since.length() > 18) { // too many digits for a long: out of range too, not a crash
                throw Bounds.outOfRange("--since", since, 0, Bounds.MAX_LINE);
            }
            args.put("since_line", Bounds.range("--since", Long.parseLong(since), 0, Bounds.MAX_LINE));
            return;
        }
        Duration ago = Durations.parse(since);
        if (ago != null) {
            args.put("since_time", Bounds.time("--since", Instant.now().minus(ago)).toString());
            return;
        }
        try {
            args.put("since_time", Bounds.time("--since", Instant.parse(since)).toString());
        } catch (DateTimeParseException e) {
            throw new BgrunException(ErrorType.UsageError, "--since: expected a line number, a time or a duration, got \"" + since + "\"",
                    "e.g. --since 120, --since 2026-11-21T10:00:00Z, --since 5m");
        }
    }

    private static String count(Object n, String what) {
        return n + " " + what + (((Number) n).longValue() == 1 ? "" : "s");
    }

    @SuppressWarnings("unchecked")
    private static void printDigest(Output out, Map<String, Object> d) {
        out.line(count(d.get("lines"), "line") + ": " + out.red(count(d.get("errors"), "error")) + ", "
                + out.yellow(count(d.get("warnings"), "warning")));
        for (String key : List.of("first_line", "last_error", "last_warning", "last_line")) {
            Map<String, Object> line = (Map<String, Object>) d.get(key);
            if (line != null) {
                out.line(String.format("  %-13s %s", key.replace('_', ' ') + ":", out.dim("#" + line.get("line_number")) + " " + line.get("content")));
            }
        }
    }
}
