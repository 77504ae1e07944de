package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.json.Json;

import java.util.Map;

/**
 * The daemon protocol: newline-delimited JSON over a Unix domain socket. A request is
 * {@code {"v":1,"id":7,"cmd":"status","args":{...}}}; the answer is zero or more
 * {@code {"v":1,"id":7,"item":...}} lines (for streams) and one final
 * {@code {"v":1,"id":7,"ok":true,"data":...}} or {@code {"v":1,"id":7,"ok":false,"error":{...}}}.
 */
public final class Protocol {
    public static final int VERSION = 1;
    /** The longest request line the daemon reads; a longer one is skipped and answered with an error. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;

    private Protocol() {
    }

    public static Map<String, Object> request(long id, String cmd, Map<String, Object> args) {
        return Json.object("v", VERSION, "id", id, "cmd", cmd, "args", args);
    }

    public static Map<String, Object> item(Object id, Object item) {
        return Json.object("v", VERSION, "id", id, "item", item);
    }

    public static Map<String, Object> ok(Object id, Object data) {
        return Json.object("v", VERSION, "id", id, "ok", true, "data", data);
    }

    public static Map<String, Object> error(Object id, BgrunException e) {
        Map<String, Object> error = Json.object("type", e.type().name(), "message", e.getMessage(),
                "hint", e.hint(), "details", e.details());
        return Json.object("v", VERSION, "id", id, "ok", false, "error", error);
    }

    /** Rebuilds the exception an error answer carries, on the client side. */
    @SuppressWarnings("unchecked")
    public static BgrunException toException(Map<String, Object> error) {
        ErrorType type;
        try {
            type = ErrorType.valueOf(String.valueOf(error.get("type")));
        } catch (IllegalArgumentException e) {
            type = ErrorType.Internal;
        }
        Object details = error.get("details");
        return new BgrunException(type, String.valueOf(error.get("message")), (String) error.get("hint"),
                details instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of(), null);
    }
}
