package dev.bgrun.orchestrator.project;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds the project file: {@code bgrun.toml} in the working directory or a parent, up to the repository root. */
public final class ProjectFiles {
    public static final String FILE_NAME = "bgrun.toml";

    /**
     * The working directory of the command being served, where it is not this JVM's: a command the daemon runs
     * for a thin client binds the client's. Relative names and discovery start from it.
     */
    public static final ScopedValue<Path> WORKING_DIRECTORY = ScopedValue.newInstance();

    private ProjectFiles() {
    }

    /** The caller's working directory (absolute): the bound one, else this JVM's. */
    public static Path workingDirectory() {
        return WORKING_DIRECTORY.isBound() ? WORKING_DIRECTORY.get() : Path.of("").toAbsolutePath();
    }

    /**
     * The project file for a working directory: the first {@code bgrun.toml} found walking up from it, not
     * past the first directory that holds {@code .git} (the repository root).
     */
    public static Path discover(Path workingDirectory) {
        List<String> looked = new ArrayList<>();
        for (Path dir = workingDirectory.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(FILE_NAME);
            looked.add(candidate.toString());
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            if (Files.exists(dir.resolve(".git"))) {
                break;
            }
        }
        throw new BgrunException(ErrorType.ConfigNotFound,
                "no " + FILE_NAME + " found in " + workingDirectory.toAbsolutePath().normalize()
                        + " or its parents up to the repository root",
                "create a " + FILE_NAME + " there, or name one with -f/--file",
                Map.of("looked_in", looked), null);
    }

    /** The file's name for messages: relative to the working directory when it lies under it. */
    public static String displayName(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path here = workingDirectory();
        return absolute.startsWith(here) ? here.relativize(absolute).toString() : absolute.toString();
    }
}
