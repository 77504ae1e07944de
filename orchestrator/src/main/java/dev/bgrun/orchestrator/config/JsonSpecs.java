package dev.bgrun.orchestrator.config;

import java.util.List;
import java.util.Map;

/** Reads a job spec given as JSON data (run --spec, the daemon's records) through the same reader as TOML. */
public final class JsonSpecs {
    private JsonSpecs() {
    }

    /** The JSON object as a raw table (JSON has no positions to keep). */
    public static RawTable table(String path, Map<String, Object> json) {
        RawTable table = new RawTable(path, Position.UNKNOWN);
        json.forEach((key, value) -> table.put(key, new RawValue(plain(table.pathOf(key), value), Position.UNKNOWN)));
        return table;
    }

    @SuppressWarnings("unchecked")
    private static Object plain(String path, Object value) {
        return switch (value) {
            case Map<?, ?> map -> table(path, (Map<String, Object>) map);
            case List<?> list -> list.stream().map(v -> plain(path, v)).toList();
            case Integer i -> i.longValue();
            case null, default -> value;
        };
    }

    /** Reads one job spec from JSON; throws a ConfigException listing every problem. */
    public static JobSpec read(String name, Map<String, Object> json, String source) {
        Problems problems = new Problems(source);
        JobSpec spec = new JobSpecReader(problems).read(name, table("", json), Map.of());
        problems.throwIfAny();
        return spec;
    }

    /** The spec as JSON data holding only the keys it sets (the form stored and sent over the socket). */
    public static Map<String, Object> setKeys(JobSpec spec) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (SpecKey<?> key : JobKeys.all()) {
            if (spec.isSet(key)) {
                out.put(key.name(), json(key, spec));
            }
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object json(SpecKey key, JobSpec spec) {
        return key.type().toJson(spec.get(key));
    }
}
