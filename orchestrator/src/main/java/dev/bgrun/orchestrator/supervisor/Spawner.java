package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.Command;
import dev.bgrun.orchestrator.logs.LogStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts one incarnation of a job. The process tree is:
 * <pre>
 *   daemon
 *     └─ sh (the wrapper: waits for the job, writes its exit status to exit.N)
 *          └─ job (its own session and process group, via setsid; writes exit.N.pid first)
 * </pre>
 * The job writes its output straight into the log files, and the wrapper records its exit status, so
 * neither depends on the daemon: a daemon that dies and comes back finds both on disk. The wrapper lives
 * outside the job's process group, so stopping the job never kills it before it has recorded the exit.
 */
final class Spawner {
    /**
     * $1: the exit file; $2: the stdin FIFO or "-"; then the argv. The inner sh writes its own pid (which the
     * job keeps, since setsid execs without forking in a process that is not a group leader) and then execs.
     * The wrapper's own stderr goes to /dev/null and the job takes the log back from fd 3 itself, so the
     * shell's "Terminated" notes (written while it still holds the job's redirections) never reach the log.
     *
     * <p>With a stdin FIFO, a keeper process holds its write end open, so the job never reads EOF just because
     * no {@code send} is writing at the moment, nor because the daemon died; {@code send --eof} ends the keeper
     * (its pid is in $1.keeper), and the job reads EOF once it has read what was sent. The keeper leaves by
     * itself within a minute of the wrapper's end, should the wrapper be killed before it can end it.
     */
    private static final String WRAPPER = """
            f=$1; in=$2; shift 2
            k=
            if [ "$in" != - ]; then
              w=$$
              ( exec 4<>"$in" 0</dev/null >/dev/null 2>&1; while kill -0 "$w"; do sleep 60 4>&-; done ) &
              k=$!
              echo "$k" > "$f.keeper"
              exec 0<"$in"
            fi
            exec 3>&2 2>/dev/null
            /bin/sh -c 'echo $$ > "$0"; exec 2>&3 3>&-; exec %s "$@"' "$f.pid" "$@"
            c=$?
            if [ -n "$k" ]; then kill "$k"; rm -f "$f.keeper"; fi
            echo "$c" > "$f.tmp" && mv "$f.tmp" "$f"
            """;
    private static final String SETSID = Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : "setsid";

    /** A started incarnation: the wrapper process and the files that will tell about the job. */
    record Spawned(Process wrapper, Path exitFile, Path pidFile) {
    }

    private Spawner() {
    }

    static Path exitFile(Path jobDir, int incarnation) {
        return jobDir.resolve("exit." + incarnation);
    }

    /** Where the wrapper writes the pid of an incarnation's stdin keeper ($1.keeper). */
    static Path keeperFile(Path jobDir, int incarnation) {
        return jobDir.resolve(exitFile(jobDir, incarnation).getFileName() + ".keeper");
    }

    static Spawned spawn(Path jobDir, Command command, Path cwd, Map<String, String> env, boolean stdin,
                         int incarnation) throws IOException {
        Path exitFile = exitFile(jobDir, incarnation);
        Files.deleteIfExists(exitFile);
        Path pidFile = jobDir.resolve(exitFile.getFileName() + ".pid");
        Files.deleteIfExists(pidFile);
        String fifo = "-";
        if (stdin) {
            Path path = jobDir.resolve("stdin.fifo");
            if (!Files.exists(path)) {
                Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).start();
                try {
                    if (mkfifo.waitFor() != 0) {
                        throw new IOException("mkfifo " + path + " failed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            fifo = path.toString();
        }
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER.formatted(SETSID), "bgrun-wrapper",
                exitFile.toString(), fifo));
        argv.addAll(command.processArgv());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(cwd.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(jobDir.resolve(LogStore.STDOUT).toFile()));
        builder.redirectError(ProcessBuilder.Redirect.appendTo(jobDir.resolve(LogStore.STDERR).toFile()));
        return new Spawned(builder.start(), exitFile, pidFile);
    }

    /** The job's pid once the wrapper wrote it, or null if the job ended (or the wrapper died) first. */
    static Long awaitPid(Spawned spawned, long timeoutMillis) throws InterruptedException {
        long begun = System.nanoTime();
        long deadline = begun + timeoutMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            Long pid = readNumber(spawned.pidFile());
            if (pid != null) {
                return pid;
            }
            if (!spawned.wrapper().isAlive()) {
                return readNumber(spawned.pidFile());
            }
            // A job's pid is usually there within a few milliseconds: look often then, rarely after.
            Thread.sleep(System.nanoTime() - begun < 100_000_000 ? 1 : 20);
        }
        return null;
    }

    /** The number a wrapper file holds, or null when it is missing or not yet complete. */
    static Long readNumber(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? null : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
