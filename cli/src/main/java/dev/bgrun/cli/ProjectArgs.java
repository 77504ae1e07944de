package dev.bgrun.cli;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.project.Project;
import dev.bgrun.orchestrator.project.ProjectFiles;
import dev.bgrun.orchestrator.project.ProjectLoader;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/** Loads the project a command works on: {@code -f/--file}, else the file found from the working directory. */
public final class ProjectArgs {
    private ProjectArgs() {
    }

    /** The root command of any command's spec. */
    public static BgrunCommand root(CommandSpec spec) {
        return (BgrunCommand) spec.root().userObject();
    }

    public static Project load(CommandSpec spec) {
        return load(spec, null);
    }

    /** Loads the project, preferring a file given positionally to the command over {@code -f}. */
    public static Project load(CommandSpec spec, Path positional) {
        Path file = positional != null ? positional : root(spec).file();
        if (file == null) {
            file = ProjectFiles.discover(Invocation.current().cwd());
        }
        return ProjectLoader.load(file);
    }

    /** Checks that every named job exists in the project. */
    public static void requireJobs(Project project, Collection<String> names) {
        for (String name : names) {
            if (!project.jobs().containsKey(name)) {
                String near = dev.bgrun.orchestrator.config.Suggestions.nearest(name, project.jobs().keySet());
                throw new BgrunException(ErrorType.JobNotFound, "no job \"" + name + "\" in " + project.source(),
                        (near != null ? "did you mean \"" + near + "\"? " : "") + "jobs: "
                                + String.join(", ", project.jobs().keySet()),
                        java.util.Map.of("job", name, "candidates", List.copyOf(project.jobs().keySet())), null);
            }
        }
    }
}
