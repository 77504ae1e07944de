package dev.bgrun.orchestrator.error;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A failed file operation as the {@link ErrorType#IoError} a user can act on: which file, and when the disk is
 * full, which filesystem and how much room it has (the state root's filesystem fills up for every job at once).
 */
public final class IoErrors {
    private static final String NO_SPACE = "No space left on device";
    private static final String QUOTA = "Disk quota exceeded";

    private IoErrors() {
    }

    /** {@code what} says what failed ("cannot index the log"); the file is the one the operation was on. */
    public static BgrunException of(String what, Path file, IOException e) {
        if (noSpace(e)) {
            return new BgrunException(ErrorType.IoError, "no space left on device: " + file + " (" + filesystem(file) + ")",
                    "free space on that filesystem; bgrun indexes what was written meanwhile by itself once there is room",
                    Map.of("file", file.toString()), e);
        }
        return new BgrunException(ErrorType.IoError, what + ": " + file + ": " + e.getMessage(), null,
                Map.of("file", file.toString()), e);
    }

    /** Whether the operation failed for want of room (ENOSPC or EDQUOT; Java gives only the message). */
    public static boolean noSpace(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains(NO_SPACE) || message.contains(QUOTA))) {
                return true;
            }
        }
        return false;
    }

    /** "the filesystem of the state root, /mnt (tmpfs), N bytes free", as far as it can be told. */
    public static String filesystem(Path file) {
        try {
            Path existing = file;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            FileStore store = Files.getFileStore(existing == null ? file : existing);
            return "the filesystem of the state root, " + store + ", " + store.getUsableSpace() + " bytes free";
        } catch (IOException | RuntimeException e) {
            return "the filesystem of the state root";
        }
    }

    /**
     * Why nothing can be written in {@code dir} now, or null if a small write there works: a file the shim could
     * not write has a cause the daemon can still tell.
     */
    public static String cannotWrite(Path dir) {
        Path probe = dir.resolve(".write-probe");
        try {
            Files.write(probe, new byte[4096]);
            return null;
        } catch (IOException e) {
            return noSpace(e) ? "no space left on device on " + filesystem(dir) : e.getMessage();
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // a probe left behind costs one empty file
            }
        }
    }
}
