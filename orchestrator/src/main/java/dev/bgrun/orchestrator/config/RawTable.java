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
    /** A key TOML writes without quotes; compiled once (every key of a large file is looked at). */
    private static final java.util.regex.Pattern BARE_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");
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
        String part = BARE_KEY.matcher(key).matches() ? key : "\"" + key + "\"";
        return path.isEmpty() ? part : path + "." + part;
    }

    public int size() {
        return entries.size();
    }
}
