package dev.bgrun.orchestrator.daemon;

import java.util.Map;

/** Serves one protocol command: returns the answer's data, or throws a BgrunException. */
@FunctionalInterface
public interface Handler {
    Object handle(Map<String, Object> args, Responder responder) throws Exception;

    /** Lets a streaming command send items before its final answer. */
    interface Responder {
        /** Sends one item; false once the client has gone away (the handler should stop). */
        boolean item(Object item);

        /** Whether the client is still connected; for a stream that may stay silent for long. */
        default boolean open() {
            return true;
        }
    }
}
