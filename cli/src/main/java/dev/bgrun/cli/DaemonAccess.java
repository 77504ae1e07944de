package dev.bgrun.cli;

import dev.bgrun.orchestrator.daemon.DaemonCalls;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.project.Project;
import picocli.CommandLine.Model.CommandSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** How commands talk to the daemon: connect (starting it when needed), call, and resolve names well. */
public final class DaemonAccess {
    private DaemonAccess() {
    }

    public static DaemonCalls connect() {
        return Invocation.current().daemon();
    }

    /**
     * Calls the daemon. A bare job name that several workspaces share is resolved in the current project's
     * workspace: the project file is read only then, since reading it costs start-up time.
     */
    public static Object call(CommandSpec spec, String cmd, Map<String, Object> args) {
        return stream(spec, cmd, args, item -> true);
    }

    public static Object stream(CommandSpec spec, String cmd, Map<String, Object> args, Predicate<Object> items) {
        try (DaemonCalls client = connect()) {
            try {
                return client.stream(cmd, args, items);
            } catch (BgrunException e) {
                String workspace = e.type() == ErrorType.AmbiguousJob && !args.containsKey("current_workspace")
                        ? currentWorkspace(spec) : null;
                if (workspace == null) {
                    throw e;
                }
                Map<String, Object> retry = new LinkedHashMap<>(args);
                retry.put("current_workspace", workspace);
                return client.stream(cmd, retry, items);
            }
        }
    }

    /** The workspace of the project file this command would use, or null when there is none. */
    public static String currentWorkspace(CommandSpec spec) {
        try {
            Project project = ProjectArgs.load(spec);
            return project.workspace();
        } catch (BgrunException e) {
            return null;
        }
    }
}
