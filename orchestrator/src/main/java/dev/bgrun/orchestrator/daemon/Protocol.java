package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.util.LinkedHashMap;
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
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", VERSION);
        m.put("id", id);
        m.put("cmd", cmd);
        m.put("args", args);
        return m;
    }

    public static Map<String, Object> item(Object id, Object item) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", VERSION);
        m.put("id", id);
        m.put("item", item);
        return m;
    }

    public static Map<String, Object> ok(Object id, Object data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", VERSION);
        m.put("id", id);
        m.put("ok", true);
        m.put("data", data);
        return m;
    }

    public static Map<String, Object> error(Object id, BgrunException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", e.type().name());
        error.put("message", e.getMessage());
        error.put("hint", e.hint());
        error.put("details", e.details());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", VERSION);
        m.put("id", id);
        m.put("ok", false);
        m.put("error", error);
        return m;
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
