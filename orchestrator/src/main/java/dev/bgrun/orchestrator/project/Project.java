package dev.bgrun.orchestrator.project;

import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.graph.JobGraph;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A loaded, valid project file: its jobs in file order, their workspace and their dependency graph.
 *
 * @param file      the project file's absolute path
 * @param source    the file's name as shown in messages (relative to the working directory when under it)
 * @param workspace the top-level workspace
 * @param jobs      the jobs by name, in file order
 * @param graph     the dependency graph
 */
public record Project(Path file, String source, String workspace, Map<String, JobSpec> jobs, JobGraph graph) {

    public Project {
        jobs = Collections.unmodifiableMap(new LinkedHashMap<>(jobs));
    }

    /** The directory relative paths of the project are resolved against. */
    public Path directory() {
        return file.getParent();
    }

    public JobSpec job(String name) {
        return jobs.get(name);
    }

    /** The job's working directory: its {@code cwd} resolved against the project directory. */
    public Path workingDirectory(JobSpec job) {
        String cwd = job.get(JobKeys.CWD);
        return cwd == null ? directory() : directory().resolve(cwd).normalize();
    }

    /** The job's workspace: its own {@code workspace} key, else the project's. */
    public String workspaceOf(JobSpec job) {
        String own = job.get(JobKeys.WORKSPACE);
        return own != null ? own : workspace;
    }
}
