package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.Workspaces;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bgrun list}: every job the daemon knows, filtered. */
@Command(name = "list", aliases = "ls", description = "List jobs (NDJSON, one job per line, in JSON mode).",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun list", "  bgrun list --workspace shop --state failed", "  bgrun list --tag infra --json"})
public final class ListCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-w", "--workspace"}, paramLabel = "WS", completionCandidates = Workspaces.class, description = "Only jobs of this workspace.")
    private String workspace;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only jobs with this tag (repeatable: any of).")
    private List<String> tags = new ArrayList<>();

    @Option(names = "--state", paramLabel = "STATE", description = "Only jobs in this state (repeatable: any of).")
    private List<String> states = new ArrayList<>();

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "Only jobs of this name (repeatable).")
    private List<String> names = new ArrayList<>();

    @Option(names = "--show-env", description = "Include the variables bgrun set for each job (hidden by default).")
    private boolean showEnv;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("workspace", workspace);
        args.put("tag", tags);
        args.put("state", states);
        args.put("name", names);
        args.put("show_env", showEnv);
        Map<String, Object> answer = (Map<String, Object>) DaemonAccess.call(spec, "list", args);
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) answer.get("jobs");
        Output out = ProjectArgs.root(spec).output();
        if (out.json()) {
            out.ndjson(jobs);
            return;
        }
        if (jobs.isEmpty()) {
            out.line(out.dim("no jobs"));
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> job : jobs) {
            String state = (String) job.get("state");
            String since = Views.age(job.get(state.equals("ready") || state.equals("running") ? "started_at"
                    : job.get("ended_at") != null ? "ended_at" : "created_at"));
            rows.add(List.of(((String) job.get("id")), out.bold((String) job.get("name")), (String) job.get("workspace"),
                    Views.state(out, state), Views.str(job, "pid"), since, Views.cmd(job.get("cmd"))));
        }
        Views.table(List.of("ID", "NAME", "WORKSPACE", "STATE", "PID", "FOR", "COMMAND"), rows).forEach(out::line);
    }
}
