package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.os.Posix;
import dev.bgrun.orchestrator.config.Command;
import dev.bgrun.orchestrator.os.ExitWatcher;
import dev.bgrun.orchestrator.os.NativeSpawn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts one incarnation of a job through its shim. The process tree is:
 * <pre>
 *   daemon
 *     └─ bgrun-shim JOBDIR N   (writes shim.N and pid.N, waits for the job, writes its exit status to exit.N)
 *          └─ job              (its own session and process group; default signal dispositions, empty mask)
 * </pre>
 * The job's argv is read from {@code argv.N} (so neither the shim's command line nor {@code pgrep -f} shows
 * it twice); the job writes its output straight into the log files and the shim records its exit status, so
 * neither depends on the daemon: a daemon that dies and comes back finds both on disk. The shim lives outside
 * the job's process group, so stopping the job never kills it before it has recorded the exit. The shim
 * reports {@code pid P} (or {@code error WHY} when the command cannot be run) on a pipe once the job's exec
 * succeeded, so the daemon learns the pid without polling.
 */
final class Spawner {
    /**
     * A started incarnation.
     *
     * @param shimPid the shim's pid (a child of the daemon, to be watched by {@link ExitWatcher})
     * @param pid     the job's pid, or null when it could not be started
     * @param error   why it could not be started, or null
     */
    record Spawned(long shimPid, Long pid, String error) {
    }

    /**
     * Spawns in flight at once. Each holds a report pipe until its shim has exec'd the job; more in parallel
     * than this gains nothing on a few cores, and a burst of 1,000 would need 2,000 descriptors at once.
     */
    static final int MAX_CONCURRENT_SPAWNS = 32;
    private static final java.util.concurrent.Semaphore SPAWNING = new java.util.concurrent.Semaphore(MAX_CONCURRENT_SPAWNS);

    private Spawner() {
    }

    static Path exitFile(Path jobDir, int incarnation) {
        return jobDir.resolve("exit." + incarnation);
    }

    static Path pidFile(Path jobDir, int incarnation) {
        return jobDir.resolve("pid." + incarnation);
    }

    static Path shimFile(Path jobDir, int incarnation) {
        return jobDir.resolve("shim." + incarnation);
    }

    static Path argvFile(Path jobDir, int incarnation) {
        return jobDir.resolve("argv." + incarnation);
    }

    /**
     * Where the daemon records which process holds the write end of an incarnation's stdin FIFO (the shim):
     * send --eof signals it and removes the file.
     */
    static Path keeperFile(Path jobDir, int incarnation) {
        return jobDir.resolve("stdin." + incarnation + ".keeper");
    }

    static Spawned spawn(Path shim, Path jobDir, Command command, Path cwd, Map<String, String> env, boolean stdin,
                         int incarnation) throws IOException {
        for (Path stale : List.of(exitFile(jobDir, incarnation), pidFile(jobDir, incarnation), shimFile(jobDir, incarnation))) {
            Files.deleteIfExists(stale);
        }
        writeArgv(argvFile(jobDir, incarnation), command.processArgv());
        List<String> argv = new ArrayList<>(List.of(shim.toString(), jobDir.toString(), Integer.toString(incarnation)));
        if (stdin) {
            Path fifo = jobDir.resolve("stdin.fifo");
            if (!Files.exists(fifo)) {
                Posix.mkfifo(fifo, 0600);
            }
            argv.add("stdin");
        }
        String report;
        NativeSpawn.Child shimProcess;
        SPAWNING.acquireUninterruptibly();
        try {
            // Not ProcessBuilder: the JDK would keep a thread waiting for each shim for its whole life.
            shimProcess = NativeSpawn.spawn(argv, env, cwd);
            report = readReport(shimProcess.stdout());
        } finally {
            SPAWNING.release();
        }
        if (report.startsWith("pid ")) {
            return new Spawned(shimProcess.pid(), Long.parseLong(report.substring(4).strip()), null);
        }
        String error = report.startsWith("error ") ? report.substring(6) : "the shim ended without reporting ("
                + (report.isEmpty() ? "no answer" : report) + ")";
        return new Spawned(shimProcess.pid(), null, error);
    }

    /** The argv as NUL-terminated strings, written atomically. */
    private static void writeArgv(Path file, List<String> argv) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String arg : argv) {
            out.writeBytes(arg.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, out.toByteArray());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The shim's one report line (without its newline), or what it wrote before closing the pipe. Needs no
     * timeout: the shim reports as soon as the job's exec has worked or failed, and a shim that dies first
     * closes the pipe (end of file).
     */
    private static String readReport(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (in) {
            int b;
            while ((b = in.read()) >= 0 && b != '\n' && line.size() <= 4096) {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** The number a shim file holds, or null when it is missing or not yet complete. */
    static Long readNumber(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? null : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
