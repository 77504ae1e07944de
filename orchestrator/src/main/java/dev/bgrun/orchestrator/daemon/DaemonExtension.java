package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.state.StateRoot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A protocol served on the daemon's socket besides the JSON one, found with {@link java.util.ServiceLoader}:
 * the CLI module's command host, which runs the commands of thin clients inside the daemon. A connection whose
 * first byte is {@link #magic()} is handed to it whole; the library knows nothing of what it says.
 */
public interface DaemonExtension {
    /** The first byte of this protocol's connections; never {@code '{'} or whitespace, which start JSON. */
    int magic();

    /** Called once, before the socket is served. */
    void start(Context daemon);

    /** Serves one connection (its first byte already read) until it is done; the caller closes it. */
    void serve(InputStream in, OutputStream out) throws IOException;

    /**
     * What the daemon offers an extension: its state root, its protocol handlers (to call in process, see
     * {@link InProcessCalls}), its build (see {@link BuildStamp}), its log, and a way to ask it to stop.
     */
    record Context(StateRoot root, Map<String, Handler> handlers, String build, Consumer<String> log, Runnable stop) {
    }
}
