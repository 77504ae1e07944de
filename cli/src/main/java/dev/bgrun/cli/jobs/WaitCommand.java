package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;

import dev.bgrun.cli.TimeoutOption;
import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.error.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bgrun wait}: block until a job is ready, ends, or the timeout passes. */
@Command(name = "wait", description = "Wait until a job is ready (a oneshot: completed), ends, or --timeout passes.",
        footerHeading = "%nExamples:%n", footer = {"  bgrun wait web", "  bgrun wait db --timeout 5m",
        "%nExit codes: 0 ready, 1 ended without becoming ready, 124 timed out."})
public final class WaitCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Id, id prefix, NAME or WORKSPACE/NAME.")
    private String ref;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", defaultValue = "60s",
            description = "How long to wait (default: ${DEFAULT-VALUE}).")
    private String timeout;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        Duration limit = TimeoutOption.parse(timeout);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("ref", ref);
        args.put("timeout_ms", limit.toMillis());
        Map<String, Object> result = (Map<String, Object>) DaemonAccess.call(spec, "wait", args);
        Output out = ProjectArgs.root(spec).output();
        boolean ready = Boolean.TRUE.equals(result.get("ready"));
        boolean timedOut = Boolean.TRUE.equals(result.get("timed_out"));
        if (out.json()) {
            out.data(result);
        } else if (ready) {
            out.line(out.bold((String) result.get("name")) + " is " + Views.state(out, (String) result.get("state"))
                    + " (waited " + Views.duration(Duration.ofMillis(((Number) result.get("elapsed_ms")).longValue())) + ")");
        } else {
            out.note(out.bold((String) result.get("name")) + (timedOut ? " not ready after " + timeout + ": " : " did not become ready: ")
                    + result.get("state") + " (" + result.get("reason") + ")");
        }
        return ready ? ExitCodes.OK : timedOut ? ExitCodes.TIMEOUT : ExitCodes.FAILURE;
    }
}
