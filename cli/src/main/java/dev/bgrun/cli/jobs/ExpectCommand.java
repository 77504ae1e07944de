package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;

import dev.bgrun.cli.TimeoutOption;
import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.error.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bgrun expect}: wait for a line of a job's output. */
@Command(name = "expect", description = "Wait for a line of a job's output that contains TEXT (or matches --regex), "
        + "written from now on (--from-start: at any time).",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun expect web 'listening on'", "  bgrun expect worker --regex 'processed \\d+ jobs' --timeout 2m",
                "  bgrun expect web 'http://localhost:\\d+' --regex",
                "  bgrun expect build --from-start 'BUILD SUCCESS'",
                "%nExit codes: 0 matched (the line and its number are printed), 1 the job ended first, 124 timed out."})
public final class ExpectCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Id, id prefix, NAME or WORKSPACE/NAME.")
    private String ref;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TEXT", description = "A text the line must contain.")
    private String text;

    /** What --regex holds when given without a value: no argument can contain a NUL. */
    private static final String SWITCH = "\0";

    @Option(names = {"-e", "--regex"}, paramLabel = "REGEX", arity = "0..1", fallbackValue = SWITCH,
            description = "A regular expression found within the line, instead of TEXT; without a value "
                    + "(`expect JOB PATTERN --regex`), PATTERN is the regular expression.")
    private String regex;

    @Option(names = "--from-start", description = "Also look at the lines already written (default: only new ones).")
    private boolean fromStart;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", defaultValue = "30s", description = "How long to wait (default: ${DEFAULT-VALUE}).")
    private String timeout;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        Duration limit = TimeoutOption.parse(timeout);
        if (SWITCH.equals(regex)) { // the reference tool's form: the pattern is the positional word
            if (text == null) {
                throw new BgrunException(ErrorType.UsageError, "--regex without a value needs the pattern as "
                        + "the word after the job", "bgrun expect JOB PATTERN --regex, or bgrun expect JOB -e PATTERN");
            }
            regex = text;
            text = null;
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("ref", ref);
        args.put("text", text);
        args.put("regex", regex);
        args.put("from_start", fromStart);
        args.put("timeout_ms", limit.toMillis());
        Map<String, Object> result = (Map<String, Object>) DaemonAccess.call(spec, "expect", args);
        Output out = ProjectArgs.root(spec).output();
        boolean matched = Boolean.TRUE.equals(result.get("matched"));
        boolean timedOut = Boolean.TRUE.equals(result.get("timed_out"));
        if (out.json()) {
            out.data(result);
        } else if (matched) {
            Map<String, Object> line = (Map<String, Object>) result.get("line");
            out.line(out.dim("line " + result.get("line_number") + ": ") + line.get("content"));
        } else {
            out.note(out.bold((String) result.get("name")) + (timedOut ? ": no such line after " + timeout
                    : " ended first: " + result.get("state") + " (" + result.get("reason") + ")"));
        }
        return matched ? ExitCodes.OK : timedOut ? ExitCodes.TIMEOUT : ExitCodes.FAILURE;
    }
}
