package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.error.Fatal;
import dev.bgrun.orchestrator.json.Json;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Calls the daemon's handlers from inside the daemon (a command run for a thin client). Arguments, items,
 * answers and errors go through JSON as they would over the socket, so a command sees exactly what it would
 * see as a remote client: the same types, the same copies, the same error details.
 */
public final class InProcessCalls implements DaemonCalls {
    private final Map<String, Handler> handlers;
    private final BooleanSupplier open;

    /** {@code open} says whether the user behind the call is still there (a stream ends when not). */
    public InProcessCalls(Map<String, Handler> handlers, BooleanSupplier open) {
        this.handlers = handlers;
        this.open = open;
    }

    @Override
    public Object stream(String cmd, Map<String, Object> args, Predicate<Object> items) {
        Handler handler = handlers.get(cmd);
        if (handler == null) {
            throw new BgrunException(ErrorType.ProtocolError, "unknown command " + Json.write(cmd));
        }
        boolean[] stopped = {false};
        try {
            Object data = handler.handle(Json.readObject(Json.write(args)), new Handler.Responder() {
                @Override
                public boolean item(Object item) {
                    if (stopped[0] || !open.getAsBoolean()) {
                        return false;
                    }
                    if (!items.test(Json.read(Json.write(item)))) {
                        stopped[0] = true;
                        return false;
                    }
                    return true;
                }

                @Override
                public boolean open() {
                    return !stopped[0] && open.getAsBoolean();
                }
            });
            return stopped[0] ? null : Json.read(Json.write(data));
        } catch (BgrunException e) {
            throw Protocol.toException(Json.readObject(Json.write(Protocol.error(null, e).get("error"))));
        } catch (Exception e) {
            Fatal.rethrowIfFatal(e);
            throw new BgrunException(ErrorType.Internal, "internal error: " + e, null, Map.of(), e);
        }
    }

    @Override
    public void close() {
        // nothing held
    }
}
