package dev.bgrun.orchestrator.daemon;

import java.util.Map;
import java.util.function.Predicate;

/**
 * The daemon's commands as a caller sees them: over the socket ({@link DaemonClient}) or, for a command that
 * runs inside the daemon, straight to the handlers ({@link InProcessCalls}), with the same answers either way.
 */
public interface DaemonCalls extends AutoCloseable {
    /** Sends a request and returns the answer's data, or throws the error it carries. */
    default Object call(String cmd, Map<String, Object> args) {
        return stream(cmd, args, item -> true);
    }

    /**
     * Sends a request, hands each streamed item to {@code items} (which returns false to stop listening), and
     * returns the final answer's data (null when the listener stopped).
     */
    Object stream(String cmd, Map<String, Object> args, Predicate<Object> items);

    @Override
    void close();
}
