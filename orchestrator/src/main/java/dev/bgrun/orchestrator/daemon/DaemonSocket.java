package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.state.StateRoot;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

/**
 * The daemon's socket, reached from a client: connects, and starts the daemon when none answers, exactly once
 * even when many calls race (liveness is decided by connecting; starting happens under a file lock). Knows
 * nothing of what is said over the socket, so the thin client uses it without loading the JSON protocol.
 */
public final class DaemonSocket {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private DaemonSocket() {
    }

    /** A connection to the daemon of this state root, started if needed. */
    public static SocketChannel connect(StateRoot root, DaemonLauncher launcher) {
        SocketChannel channel = tryConnect(root);
        if (channel != null) {
            return channel;
        }
        root.ensure();
        try (FileChannel lockFile = FileChannel.open(root.startLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            // Another call may have started it while this one waited for the lock.
            channel = tryConnect(root);
            if (channel != null) {
                return channel;
            }
            Process process = launcher.launch(root);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            long pause = 2;
            while (System.nanoTime() < deadline) {
                channel = tryConnect(root);
                if (channel != null) {
                    return channel;
                }
                if (!process.isAlive() && process.exitValue() != 0) {
                    break;
                }
                Thread.sleep(pause); // polling a socket that does not exist yet: nothing to wait on
                pause = Math.min(50, pause * 2);
            }
            throw new BgrunException(ErrorType.DaemonUnavailable, "the daemon did not start",
                    "see its log: " + root.daemonLog(), Map.of("log", root.daemonLog().toString()), null);
        } catch (IOException e) {
            throw new BgrunException(ErrorType.DaemonUnavailable, "cannot start the daemon: " + e.getMessage(),
                    "see its log: " + root.daemonLog(), Map.of("log", root.daemonLog().toString()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgrunException(ErrorType.DaemonUnavailable, "interrupted while starting the daemon");
        }
    }

    /** A connection if a daemon answers; null otherwise. */
    public static SocketChannel tryConnect(StateRoot root) {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(root.socket()));
                return channel;
            } catch (IOException e) {
                channel.close();
                return null;
            }
        } catch (IOException e) {
            return null;
        }
    }
}
