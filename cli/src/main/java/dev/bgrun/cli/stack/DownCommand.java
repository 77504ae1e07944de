package dev.bgrun.cli.stack;

import dev.bgrun.cli.completion.Workspaces;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.project.Project;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code bgrun down}: stop the project's jobs, dependents before their dependencies. */
@Command(name = "down", description = "Stop the project's running jobs (or the named ones), dependents before their dependencies.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun down", "  bgrun down -w copy2", "  bgrun down --clean        also remove the jobs and their logs"})
public final class DownCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "JOB", description = "Jobs of the project file (default: all).")
    private List<String> names = new ArrayList<>();

    @Option(names = {"-w", "--workspace"}, paramLabel = "WS", completionCandidates = Workspaces.class, description = "The workspace (default: the project's).")
    private String workspace;

    @Option(names = "--clean", description = "Then remove the stopped jobs, their records and logs.")
    private boolean clean;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Output out = ProjectArgs.root(spec).output();
        Project project = ProjectArgs.load(spec);
        ProjectArgs.requireJobs(project, names);
        Set<String> workspaces = new LinkedHashSet<>();
        if (workspace != null) {
            workspaces.add(workspace);
        } else {
            project.jobs().values().forEach(job -> workspaces.add(project.workspaceOf(job)));
        }
        List<String> names = this.names.isEmpty() ? List.copyOf(project.jobs().keySet()) : this.names;
        List<Object> stopped = new ArrayList<>();
        List<Object> removed = new ArrayList<>();
        for (String ws : workspaces) {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("workspace", ws);
            args.put("name", names);
            stopped.addAll((List<Object>) ((Map<String, Object>) DaemonAccess.call(spec, "stop", args)).get("stopped"));
            if (clean) {
                removed.addAll((List<Object>) ((Map<String, Object>) DaemonAccess.call(spec, "clean", args)).get("removed"));
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("stopped", stopped);
        if (clean) {
            answer.put("removed", removed);
        }
        if (out.json()) {
            out.data(answer);
            return;
        }
        out.line(stopped.isEmpty() ? out.dim("nothing was running") : "stopped " + stopped.size() + ": "
                + String.join(", ", stopped.stream().map(String::valueOf).toList()));
        if (clean) {
            out.line("removed " + removed.size() + " jobs and their logs");
        }
    }
}
