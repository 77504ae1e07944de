package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.json.JsonException;
import dev.bgrun.orchestrator.state.StateRoot;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A connection to the daemon. {@link #connect} starts the daemon when none answers, exactly once even when
 * many calls race: liveness is decided by connecting, and starting happens under a file lock.
 */
public final class DaemonClient implements DaemonCalls, Closeable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final SocketChannel channel;
    private final OutputStream out;
    private final LineReader in;
    private long nextId = 1;

    private DaemonClient(SocketChannel channel) {
        this.channel = channel;
        this.out = Channels.newOutputStream(channel);
        this.in = new LineReader(Channels.newInputStream(channel), Integer.MAX_VALUE);
    }

    /** Connects to the daemon of this state root, starting it if needed. */
    public static DaemonClient connect(StateRoot root, DaemonLauncher launcher) {
        DaemonClient client = tryConnect(root);
        if (client != null) {
            return client;
        }
        root.ensure();
        try (FileChannel lockFile = FileChannel.open(root.startLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            // Another call may have started it while this one waited for the lock.
            client = tryConnect(root);
            if (client != null) {
                return client;
            }
            Process process = launcher.launch(root);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            long pause = 2;
            while (System.nanoTime() < deadline) {
                client = tryConnect(root);
                if (client != null) {
                    return client;
                }
                if (!process.isAlive() && process.exitValue() != 0) {
                    break;
                }
                Thread.sleep(pause);
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

    /** Connects only if a daemon answers; null otherwise. */
    public static DaemonClient tryConnect(StateRoot root) {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(root.socket()));
                return new DaemonClient(channel);
            } catch (IOException e) {
                channel.close();
                return null;
            }
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Sends a request, hands each streamed item to {@code items} (which returns false to stop listening:
     * the connection is then closed), and returns the final answer's data.
     */
    @Override
    @SuppressWarnings("unchecked")
    public Object stream(String cmd, Map<String, Object> args, Predicate<Object> items) {
        long id = nextId++;
        byte[] request = (Json.write(Protocol.request(id, cmd, args)) + "\n").getBytes(StandardCharsets.UTF_8);
        if (request.length > Protocol.MAX_REQUEST_BYTES) {
            throw RequestSize.tooLarge(cmd, request.length, args);
        }
        try {
            out.write(request);
            out.flush();
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    throw new BgrunException(ErrorType.DaemonUnavailable, "the daemon closed the connection",
                            "run the command again; if it persists, see the daemon log");
                }
                Map<String, Object> answer = Json.readObject(line);
                if (answer.containsKey("item")) {
                    if (!items.test(answer.get("item"))) {
                        close();
                        return null;
                    }
                    continue;
                }
                if (Boolean.TRUE.equals(answer.get("ok"))) {
                    return answer.get("data");
                }
                throw Protocol.toException((Map<String, Object>) answer.get("error"));
            }
        } catch (IOException | JsonException e) {
            throw new BgrunException(ErrorType.DaemonUnavailable, "lost the connection to the daemon: " + e.getMessage(),
                    "run the command again");
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing; nothing to do
        }
    }
}
