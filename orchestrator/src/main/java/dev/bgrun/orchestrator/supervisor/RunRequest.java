package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.JobNames;

import java.util.Map;

/**
 * What {@code run} asks for: a job spec (as JSON data, the keys of a {@code [jobs.NAME]} table) and where it
 * comes from.
 *
 * @param name        the job's name, or null for an unnamed job (named after its id)
 * @param workspace   the workspace
 * @param spec        the spec's keys
 * @param projectFile the project file it came from, or null
 * @param cwd         the absolute working directory
 * @param callerEnv   the caller's environment, the base of the job's
 * @param replace     restart an alive job of the same name with this spec instead of returning it
 */
public record RunRequest(String name, String workspace, Map<String, Object> spec, String projectFile, String cwd,
                         Map<String, String> callerEnv, boolean replace) {
    /** The names follow the rules of a project file, wherever the request comes from (run, run_group, a client). */
    public RunRequest {
        if (name != null) {
            JobNames.requireJob(name);
        }
        JobNames.requireWorkspace(workspace);
    }
}
