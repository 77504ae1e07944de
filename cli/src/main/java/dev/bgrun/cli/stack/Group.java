package dev.bgrun.cli.stack;

import dev.bgrun.cli.DaemonAccess;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.cli.jobs.ProjectJobs;
import dev.bgrun.orchestrator.project.Project;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A group of a project's jobs brought up through the daemon's {@code run_group}, and taken down again. */
final class Group {
    final Project project;
    final List<String> order;
    final String workspace;
    private final CommandSpec spec;

    private Group(CommandSpec spec, Project project, List<String> order, String workspace) {
        this.spec = spec;
        this.project = project;
        this.order = order;
        this.workspace = workspace;
    }

    /** The named jobs of the project (all when none), with their dependencies unless --no-deps. */
    static Group select(CommandSpec spec, List<String> names, StackOptions options) {
        Project project = ProjectArgs.load(spec);
        List<String> order = ProjectJobs.selection(project, names, options.noDeps);
        return new Group(spec, project, order, options.workspace);
    }

    /** The widest job name, for aligned columns. */
    int nameWidth() {
        return order.stream().mapToInt(String::length).max().orElse(4);
    }

    /**
     * Runs the group; items (transitions, and output lines when asked) go to {@code items}, which returns
     * false to stop listening. Returns the daemon's last answer (the result, or for a followed group the end of
     * the stream), or null when {@code items} stopped early.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> run(StackOptions options, Map<String, Object> flags, Predicate<Map<String, Object>> items) {
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (String name : order) {
            jobs.add(ProjectJobs.request(project, name, workspace));
        }
        Map<String, Object> args = new LinkedHashMap<>(flags);
        args.put("jobs", jobs);
        args.put("env", dev.bgrun.cli.Invocation.current().env());
        args.put("timeout_ms", options.timeoutMs());
        return (Map<String, Object>) DaemonAccess.stream(spec, "run_group", args, item -> items.test((Map<String, Object>) item));
    }

    /** The ids of the jobs this run started (not those it found already running). */
    @SuppressWarnings("unchecked")
    static List<String> started(Map<String, Object> result) {
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) result.get("jobs")) {
            if (!Boolean.TRUE.equals(job.get("reused"))) {
                ids.add((String) job.get("id"));
            }
        }
        return ids;
    }

    /** Stops jobs by id, dependents first (the daemon orders them). */
    @SuppressWarnings("unchecked")
    List<String> stop(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, Object> answer = (Map<String, Object>) DaemonAccess.call(spec, "stop", Map.of("refs", ids));
        return (List<String>) answer.get("stopped");
    }
}
