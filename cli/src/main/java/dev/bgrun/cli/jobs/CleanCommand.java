package dev.bgrun.cli.jobs;

import dev.bgrun.cli.completion.JobRefs;
import dev.bgrun.cli.completion.Workspaces;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bgrun clean}: remove ended jobs and their logs; asks first on a terminal unless {@code --yes}. */
@Command(name = "clean", description = "Remove ended jobs (exited, failed, stopped, blocked) and their logs.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun clean", "  bgrun clean --workspace shop --yes", "  bgrun clean web",
                "%nOn a terminal it lists what it will remove and asks; it never asks when not on one."})
public final class CleanCommand implements Runnable {
    private static final List<String> ENDED = List.of("exited", "failed", "stopped", "blocked");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Only these jobs.")
    private List<String> refs = new ArrayList<>();

    @Option(names = {"-w", "--workspace"}, paramLabel = "WS", completionCandidates = Workspaces.class, description = "Only jobs of this workspace.")
    private String workspace;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only jobs with this tag (repeatable).")
    private List<String> tags = new ArrayList<>();

    @Option(names = "--state", paramLabel = "STATE", description = "Only jobs in this ended state (repeatable).")
    private List<String> states = new ArrayList<>();

    @Option(names = {"-y", "--yes", "--force"}, description = "Do not ask (-f is --file everywhere in bgrun).")
    private boolean force;

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Output out = ProjectArgs.root(spec).output();
        List<String> targets = new ArrayList<>(refs);
        if (refs.isEmpty()) {
            Map<String, Object> filter = new LinkedHashMap<>();
            filter.put("workspace", workspace);
            filter.put("tag", tags);
            filter.put("state", states.isEmpty() ? ENDED : states);
            List<Map<String, Object>> jobs = (List<Map<String, Object>>)
                    ((Map<String, Object>) DaemonAccess.call(spec, "list", filter)).get("jobs");
            jobs.forEach(j -> targets.add((String) j.get("id")));
            dev.bgrun.cli.Invocation user = dev.bgrun.cli.Invocation.current();
            if (!targets.isEmpty() && !force && !out.json() && user.isTerminal(0) && user.isTerminal(1)) {
                jobs.forEach(j -> out.line("  " + j.get("id") + "  " + j.get("workspace") + "/" + j.get("name")
                        + "  " + j.get("state")));
                String answer = user.prompt("remove these " + jobs.size() + " jobs and their logs? [y/N] ");
                if (answer == null || !answer.strip().toLowerCase().startsWith("y")) {
                    out.line("nothing removed");
                    return;
                }
            }
        }
        Map<String, Object> removed = targets.isEmpty() ? Map.of("removed", List.of())
                : (Map<String, Object>) DaemonAccess.call(spec, "clean", Map.of("refs", targets));
        if (out.json()) {
            out.data(removed);
        } else {
            List<String> ids = (List<String>) removed.get("removed");
            out.line(ids.isEmpty() ? out.dim("nothing to clean") : "removed " + ids.size() + ": " + String.join(", ", ids));
        }
    }
}
