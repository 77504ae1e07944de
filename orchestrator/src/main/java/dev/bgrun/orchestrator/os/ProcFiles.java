package dev.bgrun.orchestrator.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads {@code /proc} without mistaking a full file table for a process that has gone. A read that fails
 * because the process is gone answers null (or leaves it out of a listing); a read that fails because no
 * descriptor is left (EMFILE, ENFILE) is tried again for up to {@link #PATIENCE_MS}, then throws: a stop must
 * never conclude that a process group is empty because the daemon could not open {@code /proc}.
 */
public final class ProcFiles {
    static final long PATIENCE_MS = 5_000;
    private static final long PAUSE_MS = 10;

    private ProcFiles() {
    }

    /** The text of {@code /proc/PID/NAME}, or null when the process is gone. */
    public static String read(long pid, String name) {
        Path file = Path.of("/proc", Long.toString(pid), name);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
        while (true) {
            try {
                return Files.readString(file);
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                if (!Resources.outOfFiles(e)) {
                    return null; // ESRCH and the like: it went while being read
                }
                waitForADescriptor(e, deadline);
            }
        }
    }

    /** Every pid in {@code /proc} now. */
    public static List<Long> pids() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
        while (true) {
            List<Long> pids = new ArrayList<>();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"))) {
                for (Path dir : dirs) {
                    String n = dir.getFileName().toString();
                    if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                        pids.add(Long.parseLong(n));
                    }
                }
                return pids;
            } catch (IOException e) {
                if (!Resources.outOfFiles(e)) {
                    throw new UncheckedIOException("cannot list /proc", e);
                }
                waitForADescriptor(e, deadline);
            }
        }
    }

    private static void waitForADescriptor(IOException e, long deadline) {
        if (System.nanoTime() > deadline) {
            throw new UncheckedIOException("cannot read /proc: " + Resources.outOfFilesMessage(), e);
        }
        try {
            Thread.sleep(PAUSE_MS); // a descriptor frees as soon as any read or connection ends
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException("interrupted while waiting for a descriptor", e);
        }
    }
}
