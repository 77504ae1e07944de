package dev.bgrun.orchestrator.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this process uses of what the system allows it: open files against its file limit, threads. Read
 * from {@code /proc/self}, for {@code daemon status}, {@code doctor} and the budgets that keep the daemon
 * below its limits (the {@link ExitWatcher}'s pidfds, {@link #FILE_HEADROOM} files kept for everything else).
 */
public final class Resources {
    /** Files kept free for clients, log reads, probes and spawns, whatever the jobs hold. */
    public static final int FILE_HEADROOM = 128;

    private Resources() {
    }

    /** The soft limit on open files (what {@code ulimit -n} says, after the JVM raised it to the hard one); -1 if unknown. */
    public static long fileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc is not mounted: unknown
        }
        return -1;
    }

    /** Files open in this process now (the count of /proc/self/fd, less the one reading it); -1 if unknown. */
    public static int openFiles() {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path ignored : fds) {
                n++;
            }
            return n - 1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Live threads of this JVM, platform ones (virtual threads are not counted: they cost no OS thread). */
    public static int threads() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Whether an I/O failure is the file limit being reached ("Too many open files", EMFILE or ENFILE). */
    public static boolean outOfFiles(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("Too many open files")) {
                return true;
            }
        }
        return false;
    }

    /** What to say when the file limit is reached: the limit, the use, and what to do. */
    public static String outOfFilesMessage() {
        return "the daemon has reached its limit of open files (" + openFiles() + " open of " + fileLimit() + ")";
    }
}
