package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.Command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Looks up the program of a shell command before it is spawned, as {@code /bin/sh} would, so that a command
 * that cannot be found fails at {@code run} time instead of as a job that was "ready" and then exited 127.
 * An argv command needs no look-up: the shim reports its failed exec. Only a plain first word is looked up;
 * anything the shell alone can judge (a builtin, a keyword, quoting, expansion, a redirection) is left to it.
 */
final class Executables {
    /** A word the shell takes as it is: no quoting, expansion, globbing, redirection or operator in it. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./+,:@%^-]+");
    /** {@code NAME=value} before the command, whose value is plain too. */
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=[A-Za-z0-9_./+,:@%^-]*");
    /** POSIX reserved words and the builtins of sh, dash and bash, which are never looked up on the PATH. */
    private static final Set<String> SHELL_WORDS = Set.of(
            "!", "{", "}", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "select",
            "then", "time", "until", "while", ".", ":", "[", "alias", "bg", "break", "builtin", "cd", "command",
            "continue", "echo", "eval", "exec", "exit", "export", "false", "fc", "fg", "getopts", "hash", "jobs",
            "kill", "local", "printf", "pwd", "read", "readonly", "return", "set", "shift", "source", "test",
            "times", "trap", "true", "type", "ulimit", "umask", "unalias", "unset", "wait");

    private Executables() {
    }

    /**
     * Why the command's program cannot be run ({@code cannot run NAME: command not found}, or the reason for
     * a path), or null when it can or only the shell can tell.
     */
    static String whyNotRunnable(Command command, Path cwd, Map<String, String> env) {
        if (!command.shell()) {
            return null;
        }
        String program = firstProgram(command.argv().getFirst());
        if (program == null) {
            return null;
        }
        if (program.contains("/")) {
            Path file = cwd.resolve(program);
            String why = !Files.exists(file) ? "No such file or directory"
                    : Files.isDirectory(file) ? "Is a directory"
                    : !Files.isExecutable(file) ? "Permission denied" : null;
            return why == null ? null : "cannot run " + program + ": " + why;
        }
        String path = env.get("PATH");
        if (path == null) {
            return null; // the shell's own default search path, which it does not tell
        }
        for (String dir : path.split(":", -1)) {
            Path file = cwd.resolve(dir.isEmpty() ? "." : dir).resolve(program); // an empty entry is the cwd
            if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                return null;
            }
        }
        return "cannot run " + program + ": command not found (not in the job's PATH)";
    }

    /**
     * The program a script starts with, after {@code NAME=value} assignments and an {@code exec}; null when
     * its first command is not a plain word (the shell then decides).
     */
    static String firstProgram(String script) {
        List<String> words = List.of(script.strip().split("[ \t]+"));
        int i = 0;
        while (i < words.size() && ASSIGNMENT.matcher(words.get(i)).matches()) {
            i++;
        }
        if (i < words.size() && words.get(i).equals("exec")) {
            i++;
        }
        if (i >= words.size()) {
            return null;
        }
        String word = words.get(i);
        // A newline ends the command: "nosuch\n" is fine, a word running into the next line is not plain.
        if (word.contains("\n")) {
            word = word.substring(0, word.indexOf('\n'));
        }
        return PLAIN.matcher(word).matches() && !word.startsWith("-") && !SHELL_WORDS.contains(word) ? word : null;
    }
}
