package dev.bgrun.orchestrator.config;

import java.util.List;

/**
 * How a job's process is started: a string runs through {@code /bin/sh -c}, an array is executed directly.
 *
 * @param argv  the program and its arguments; for a shell command, the one script string
 * @param shell whether {@code argv} is a single script for {@code /bin/sh -c}
 */
public record Command(List<String> argv, boolean shell) {
    public Command {
        argv = List.copyOf(argv);
    }

    public static Command shell(String script) {
        return new Command(List.of(script), true);
    }

    public static Command exec(List<String> argv) {
        return new Command(argv, false);
    }

    /** The argument vector handed to the operating system. */
    public List<String> processArgv() {
        return shell ? List.of("/bin/sh", "-c", argv.getFirst()) : argv;
    }

    /** The command as the user wrote it: the script, or the array joined by spaces. */
    public String display() {
        return String.join(" ", argv);
    }
}
