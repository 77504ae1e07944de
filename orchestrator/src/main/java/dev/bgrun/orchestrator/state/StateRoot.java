package dev.bgrun.orchestrator.state;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.os.ProcStat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * The per-user state directory: the daemon's socket, locks and log, and each job's record and output. It is
 * the owner's alone (0700); bgrun refuses a root that another user owns or that others may enter.
 */
public final class StateRoot {
    /**
     * 0700. A holder, not a field of this class: an EnumSet's first use sets up reflection, milliseconds that the
     * thin client, which only needs the socket's path, should not pay.
     */
    private static final class Modes {
        static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    }

    private final Path dir;

    public StateRoot(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * {@code BGRUN_HOME}, else {@code $XDG_STATE_HOME/bgrun}, else {@code ~/.local/state/bgrun}. The system
     * property {@code bgrun.home} overrides them all (for in-process callers such as the AOT training run).
     */
    public static StateRoot fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** The state root that this environment names (see {@link #fromEnvironment()}). */
    public static StateRoot fromEnvironment(Map<String, String> env) {
        String override = System.getProperty("bgrun.home");
        if (override != null) {
            return new StateRoot(Path.of(override));
        }
        String home = env.get("BGRUN_HOME");
        if (home != null && !home.isBlank()) {
            return new StateRoot(Path.of(home));
        }
        String xdg = env.get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return new StateRoot(Path.of(xdg, "bgrun"));
        }
        return new StateRoot(Path.of(System.getProperty("user.home"), ".local", "state", "bgrun"));
    }

    public Path dir() {
        return dir;
    }

    public Path socket() {
        return dir.resolve("daemon.sock");
    }

    /** Held by a CLI call while it starts the daemon, so that racing calls start exactly one. */
    public Path startLock() {
        return dir.resolve("daemon.start.lock");
    }

    /** Held by the running daemon for its whole life: a second daemon cannot take it and exits. */
    public Path runLock() {
        return dir.resolve("daemon.run.lock");
    }

    public Path daemonLog() {
        return dir.resolve("daemon.log");
    }

    public Path jobsDir() {
        return dir.resolve("jobs");
    }

    public Path jobDir(String id) {
        return jobsDir().resolve(id);
    }

    /**
     * Creates the root (0700), or checks an existing one: a directory of this uid (compared as numbers: a uid
     * without a passwd entry has no name), private to it. An existing directory that is open to others is
     * refused and left exactly as it was: bgrun changes no directory it did not create (BGRUN_HOME=/tmp
     * must not make /tmp private).
     */
    public StateRoot ensure() {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(Modes.OWNER_ONLY));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another call created it first; checked below
                }
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new BgrunException(ErrorType.StateError, "the state root " + dir + " is not a directory",
                        "remove it, or point BGRUN_HOME elsewhere");
            }
            int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int me = ProcStat.ownUid();
            if (owner != me) {
                throw new BgrunException(ErrorType.StateError, "the state root " + dir + " belongs to uid " + owner
                        + " (" + Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName() + "), not to this user (uid " + me + ")",
                        "use a state root of your own (BGRUN_HOME)");
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (!Modes.OWNER_ONLY.containsAll(mode)) {
                throw new BgrunException(ErrorType.StateError, "the state root " + dir + " is open to other users (mode "
                        + PosixFilePermissions.toString(mode) + "); bgrun keeps its state private and does not change "
                        + "the mode of a directory it did not create",
                        "point BGRUN_HOME at a directory that does not exist yet (bgrun creates it, private), or make "
                                + "this one yours alone: chmod 700 " + dir);
            }
            Files.createDirectories(jobsDir());
            return this;
        } catch (IOException e) {
            throw new BgrunException(ErrorType.StateError, "cannot prepare the state root " + dir + ": " + e.getMessage(),
                    "check that the directory is writable, or point BGRUN_HOME elsewhere", Map.of("dir", dir.toString()), e);
        }
    }
}
