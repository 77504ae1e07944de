package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code bgrun restart}: stop a job if alive and start a new incarnation, same id and name. */
@Command(name = "restart", description = "Stop a job (if alive) and start it again: same id and name, a new incarnation.",
        footerHeading = "%nExamples:%n", footer = {"  bgrun restart web"})
public final class RestartCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Id, id prefix, NAME or WORKSPACE/NAME.")
    private String ref;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Map<String, Object> job = (Map<String, Object>) DaemonAccess.call(spec, "restart", Map.of("ref", ref));
        Output out = ProjectArgs.root(spec).output();
        if (out.json()) {
            out.data(job);
        } else {
            out.line("restarted: " + out.bold(job.get("workspace") + "/" + job.get("name")) + " (incarnation "
                    + job.get("incarnation") + ", pid " + job.get("pid") + ") " + Views.state(out, (String) job.get("state")));
        }
    }
}
