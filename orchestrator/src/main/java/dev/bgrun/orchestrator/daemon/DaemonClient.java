package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.json.JsonException;
import dev.bgrun.orchestrator.state.StateRoot;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A connection to the daemon that speaks its JSON protocol; {@link DaemonSocket} reaches the socket (starting
 * the daemon when none answers).
 */
public final class DaemonClient implements DaemonCalls, Closeable {
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
        return new DaemonClient(DaemonSocket.connect(root, launcher));
    }

    /** Connects only if a daemon answers; null otherwise. */
    public static DaemonClient tryConnect(StateRoot root) {
        SocketChannel channel = DaemonSocket.tryConnect(root);
        return channel == null ? null : new DaemonClient(channel);
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
            throw RequestSize.forRequest(cmd, request.length, args);
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
