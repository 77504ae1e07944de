package dev.bgrun.cli.completion;

import dev.bgrun.orchestrator.daemon.DaemonCalls;
import dev.bgrun.orchestrator.job.JobState;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values the completion scripts ask for while the user presses Tab: the alive jobs and their workspaces,
 * from the daemon. Completing never starts a daemon and never prints an error: with none, there is nothing.
 */
public final class LiveValues {
    private LiveValues() {
    }

    /** One line per alive job: its id, a tab, then {@code WORKSPACE/NAME STATE} (shells may show it). */
    public static List<String> activeIds() {
        return aliveJobs().stream().map(j -> j.get("id") + "\t" + j.get("workspace") + "/" + j.get("name") + " "
                + j.get("state")).toList();
    }

    /** The workspaces that have an alive job, each once. */
    public static List<String> workspaces() {
        Set<String> out = new LinkedHashSet<>();
        aliveJobs().forEach(j -> out.add((String) j.get("workspace")));
        return List.copyOf(out);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> aliveJobs() {
        dev.bgrun.cli.Invocation user = dev.bgrun.cli.Invocation.current();
        try (DaemonCalls client = user.daemonIfRunning(user.stateRoot())) {
            if (client == null) {
                return List.of();
            }
            Map<String, Object> answer = (Map<String, Object>) client.call("list", Map.of());
            return ((List<Map<String, Object>>) answer.get("jobs")).stream().filter(j -> {
                JobState state = JobState.fromKeyword((String) j.get("state"));
                return state != null && state.alive();
            }).toList();
        } catch (RuntimeException e) {
            return List.of(); // a daemon of another version, an unusable state root: no candidates, no noise
        }
    }
}
