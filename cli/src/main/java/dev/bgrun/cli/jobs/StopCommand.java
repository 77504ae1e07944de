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

/**
 * {@code bgrun stop} and {@code bgrun kill}: stop jobs (stop-signal to the process group, stop-timeout, then
 * KILL to the group and any escaped descendant). {@code kill -s SIG} sends one signal instead.
 */
@Command(name = "stop", description = "Stop jobs: stop-signal to each job's process group, then KILL after stop-timeout.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun stop web", "  bgrun stop --workspace shop", "  bgrun stop --all", "  bgrun kill -s HUP web"})
public class StopCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "JOB", completionCandidates = JobRefs.class, description = "Jobs to stop: id, id prefix, NAME or WORKSPACE/NAME.")
    List<String> refs = new ArrayList<>();

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "A job by name (repeatable).")
    List<String> names = new ArrayList<>();

    @Option(names = {"-w", "--workspace"}, paramLabel = "WS", completionCandidates = Workspaces.class, description = "Every alive job of this workspace.")
    String workspace;

    @Option(names = "--tag", paramLabel = "TAG", description = "Every alive job with this tag (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--all", description = "Every alive job.")
    boolean all;

    /** The protocol command and the answer's key. */
    String command() {
        return "stop";
    }

    Map<String, Object> args() {
        List<String> all = new ArrayList<>(refs);
        all.addAll(names);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("refs", all);
        args.put("workspace", workspace);
        args.put("tag", tags);
        args.put("all", this.all);
        return args;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        Map<String, Object> answer = (Map<String, Object>) DaemonAccess.call(spec, command(), args());
        Output out = ProjectArgs.root(spec).output();
        if (out.json()) {
            out.data(answer);
            return;
        }
        String key = answer.containsKey("killed") ? "killed" : "stopped";
        List<String> ids = (List<String>) answer.get(key);
        String verb = answer.containsKey("signal") ? "signalled (SIG" + answer.get("signal") + ")" : "stopped";
        out.line(ids.isEmpty() ? out.dim("nothing was running") : verb + ": " + String.join(", ", ids));
    }
}
