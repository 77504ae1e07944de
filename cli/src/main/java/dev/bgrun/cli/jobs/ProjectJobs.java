package dev.bgrun.cli.jobs;

import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.JsonSpecs;
import dev.bgrun.orchestrator.project.Project;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A project's jobs as the daemon is asked to run them: which ones, in what order, with absolute paths. */
public final class ProjectJobs {
    private ProjectJobs() {
    }

    /**
     * The named jobs (all of the project's when none are named) plus, unless {@code noDeps}, everything they
     * depend on, in start order: each job after the jobs it waits for.
     */
    public static List<String> selection(Project project, Collection<String> names, boolean noDeps) {
        ProjectArgs.requireJobs(project, names);
        Set<String> chosen = names.isEmpty() ? project.jobs().keySet()
                : noDeps ? new LinkedHashSet<>(names) : project.graph().withDependencies(names);
        List<String> order = new ArrayList<>();
        project.graph().layers(chosen).forEach(order::addAll);
        return order;
    }

    /** One job of the project as a run request: name, workspace, spec keys, project file and working directory. */
    public static Map<String, Object> request(Project project, String name, String workspaceOverride) {
        JobSpec job = project.job(name);
        Map<String, Object> keys = new LinkedHashMap<>(JsonSpecs.setKeys(job));
        absoluteEnvFiles(keys, project.directory());
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", name);
        request.put("workspace", workspaceOverride != null ? workspaceOverride : project.workspaceOf(job));
        request.put("spec", keys);
        request.put("project", project.file().toString());
        request.put("cwd", project.workingDirectory(job).toString());
        return request;
    }

    /** Makes the spec's env files absolute against {@code base}, where "relative to" is known. */
    public static void absoluteEnvFiles(Map<String, Object> keys, Path base) {
        Object files = keys.get(JobKeys.ENV_FILE.name());
        if (files != null) {
            List<?> list = files instanceof List<?> l ? l : List.of(files);
            keys.put(JobKeys.ENV_FILE.name(), list.stream().map(f -> base.resolve(String.valueOf(f)).normalize().toString()).toList());
        }
    }
}
