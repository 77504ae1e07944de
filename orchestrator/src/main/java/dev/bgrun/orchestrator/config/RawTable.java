package dev.bgrun.orchestrator.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A table of raw values in document order, with its dotted path ({@code jobs.web}); the one shape that both
 * the TOML project file and a JSON job spec are read into, so that one reader checks both.
 */
public final class RawTable {
    private final String path;
    private final Position position;
    private final Map<String, RawValue> entries = new LinkedHashMap<>();

    public RawTable(String path, Position position) {
        this.path = path;
        this.position = position;
    }

    public String path() {
        return path;
    }

    public Position position() {
        return position;
    }

    public void put(String key, RawValue value) {
        entries.put(key, value);
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    public RawValue get(String key) {
        return entries.get(key);
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The dotted path of one of this table's keys, quoting the key when it needs it. */
    public String pathOf(String key) {
        String part = bare(key) ? key : "\"" + key + "\"";
        return path.isEmpty() ? part : path + "." + part;
    }

    /**
     * Whether TOML writes the key without quotes ({@code [A-Za-z0-9_-]+}). A loop, not a regex: it runs for
     * every key of a file, and a regex match costs several times more in a short-lived JVM.
     */
    private static boolean bare(String key) {
        if (key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public int size() {
        return entries.size();
    }
}
