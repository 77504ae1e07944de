package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bgrun status}: one job in detail. */
@Command(name = "status", description = "Show one job: state, pid, incarnation, exit, times, restarts, log files.",
        footerHeading = "%nExamples:%n", footer = {"  bgrun status web", "  bgrun status 3fa2 --json", "  bgrun status shop/web"})
public final class StatusCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Id, id prefix (4+), NAME or WORKSPACE/NAME.")
    private String ref;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "The job's name (instead of JOB).")
    private String name;

    @Option(names = "--show-env", description = "Include the variables bgrun set for the job.")
    private boolean showEnv;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        String job = ref != null ? ref : name;
        if (job == null) {
            throw new BgrunException(ErrorType.UsageError, "name a job", "bgrun status JOB");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("ref", job);
        args.put("show_env", showEnv);
        Map<String, Object> status = (Map<String, Object>) DaemonAccess.call(spec, "status", args);
        Output out = ProjectArgs.root(spec).output();
        if (out.json()) {
            out.data(status);
            return;
        }
        String state = (String) status.get("state");
        out.line(out.bold(status.get("workspace") + "/" + status.get("name")) + "  " + Views.state(out, state)
                + out.dim("  (" + status.get("reason") + ")"));
        out.line("  id           " + status.get("id"));
        out.line("  command      " + Views.cmd(status.get("cmd")));
        out.line("  pid          " + Views.str(status, "pid") + "   process group " + Views.str(status, "pgid"));
        out.line("  incarnation  " + status.get("incarnation") + "   restarts " + status.get("restart_count"));
        if (status.get("exit_code") != null) {
            out.line("  exit         code " + status.get("exit_code")
                    + (status.get("signal") != null ? " (SIG" + status.get("signal") + ")" : ""));
        }
        out.line("  started      " + when(status.get("started_at")));
        out.line("  ready        " + when(status.get("ready_at")));
        if (status.get("ended_at") != null) {
            out.line("  ended        " + when(status.get("ended_at")));
        }
        Map<String, Object> ports = (Map<String, Object>) status.get("ports");
        if (ports != null && !ports.isEmpty()) {
            out.line("  ports        " + ports);
        }
        if (status.get("env") != null) {
            out.line("  env          " + status.get("env"));
        }
        Map<String, Object> log = (Map<String, Object>) status.get("log");
        long lines = ((Number) log.get("lines")).longValue();
        out.line("  log          " + lines + (lines == 1 ? " line: " : " lines: ") + log.get("stdout") + ", " + log.get("stderr"));
        List<Map<String, Object>> transitions = (List<Map<String, Object>>) status.get("transitions");
        if (transitions != null && !transitions.isEmpty()) {
            out.line("  transitions");
            for (Map<String, Object> t : transitions.subList(Math.max(0, transitions.size() - 8), transitions.size())) {
                out.line(out.dim("    " + t.get("at") + "  " + (t.get("from") == null ? "" : t.get("from") + " ") + "-> " + t.get("to") + "  " + t.get("reason")));
            }
        }
    }

    private static String when(Object iso) {
        return iso == null ? "-" : iso + " (" + Views.age(iso) + " ago)";
    }
}
