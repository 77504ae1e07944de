package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.os.ProcStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the shims a daemon of this state root started, by their command line ({@code STATE_ROOT/bin/bgrun-shim-*
 * JOBDIR N}), read from {@code /proc}: a shim is named by what it runs, never by a pid alone, so a reused pid
 * is never taken for one.
 */
final class ShimProcesses {
    /** A live shim: its pid, kernel start time, job directory and incarnation. */
    record Found(long pid, long start, Path jobDir, int incarnation) {
    }

    private ShimProcesses() {
    }

    /** The live shim of incarnation {@code n} of the job in {@code jobDir}, or null. */
    static Found find(Path stateRoot, Path jobDir, int n, Long recordedPid, Long recordedStart) {
        Long pid = recordedPid != null ? recordedPid : Spawner.readNumber(Spawner.shimFile(jobDir, n));
        if (pid == null) {
            return null;
        }
        if (recordedPid != null && recordedStart != null && !ProcStat.alive(pid, recordedStart)) {
            return null;
        }
        Found found = shim(stateRoot, pid);
        return found != null && found.jobDir().equals(jobDir) && found.incarnation() == n ? found : null;
    }

    /** Every live shim of this state root. */
    static List<Found> all(Path stateRoot) {
        List<Found> shims = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                Found found = shim(stateRoot, Long.parseLong(dir.getFileName().toString()));
                if (found != null) {
                    shims.add(found);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing to find
        }
        return shims;
    }

    /** The process as a shim of this state root, or null when it is not one (or is gone, or a zombie). */
    private static Found shim(Path stateRoot, long pid) {
        List<String> argv = argv(pid);
        if (argv.size() < 3 || !ShimBinary.isShim(argv, stateRoot)) {
            return null;
        }
        long start = ProcStat.startTime(pid);
        if (start < 0 || !ProcStat.alive(pid, start)) {
            return null;
        }
        try {
            return new Found(pid, start, Path.of(argv.get(1)), Integer.parseInt(argv.get(2)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether a process is incarnation {@code n} of job {@code jobId} (by the variables bgrun gave it). */
    static boolean belongsTo(long pid, String jobId, int n) {
        List<String> env = nulSeparated(Path.of("/proc", Long.toString(pid), "environ"));
        return env.contains("BGRUN_JOB_ID=" + jobId) && env.contains("BGRUN_INCARNATION=" + n);
    }

    private static List<String> argv(long pid) {
        return nulSeparated(Path.of("/proc", Long.toString(pid), "cmdline"));
    }

    private static List<String> nulSeparated(Path file) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : Arrays.asList(text.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }
}
