package dev.bgrun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about where output goes, decided once per run. */
public final class Terminal {
    private Terminal() {
    }

    /**
     * Whether file descriptor 1 (stdout) or 2 (stderr) is a terminal. {@link System#console()} answers for stdin and stdout together,
     * so {@code echo x | bgrun ...} would count as "not a terminal"; on Linux the link of fd 1 tells exactly.
     */
    public static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    /** Colour only on a terminal, never with NO_COLOR set, never on a dumb terminal. */
    static boolean colorAllowed(boolean onTerminal, java.util.Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        return onTerminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
    }
}
