package dev.bgrun.orchestrator.schema;

import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobNames;
import dev.bgrun.orchestrator.config.JsonSpecs;
import dev.bgrun.orchestrator.config.KeyType;
import dev.bgrun.orchestrator.config.Position;
import dev.bgrun.orchestrator.config.Problems;
import dev.bgrun.orchestrator.config.RawValue;
import dev.bgrun.orchestrator.config.SpecKey;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema of a job spec (a {@code [jobs.NAME]} table, a {@code run --spec} object), made from
 * {@link JobKeys}: each key's {@link KeyType#jsonSchema()}, its summary, its default and its documented example
 * (as the JSON value the key's type reads it as). Nothing here lists keys of its own.
 */
public final class JobSpecSchema {
    private JobSpecSchema() {
    }

    /** The object {@code run --spec} takes: every job key, plus an optional {@code "name"}. */
    public static Map<String, Object> runSpec() {
        Schemas.Obj spec = keys(false);
        spec.opt("name", Schemas.with(Schemas.describe(Schemas.with(Schemas.string(), "pattern", "^" + JobNames.PATTERN + "$"),
                "The job's name (--name wins over it); without one, a new job named after its id."), "examples", List.of("api")));
        return spec.description("A job spec: the keys of a [jobs.NAME] table of bgrun.toml, as JSON values (docs/bgrun-toml.md).")
                .build();
    }

    /**
     * One job as {@code config show} prints it: every key with its effective value; keys with a default are
     * always there, and so are {@code workspace} and {@code cwd}, resolved.
     */
    public static Map<String, Object> resolved() {
        return keys(true).description("A job's resolved spec: every key with its effective value.").build();
    }

    private static Schemas.Obj keys(boolean resolved) {
        Schemas.Obj spec = Schemas.object();
        for (SpecKey<?> key : JobKeys.all()) {
            Map<String, Object> schema = property(key);
            boolean always = key.has(SpecKey.Trait.REQUIRED)
                    || resolved && (key.defaultValue() != null || key == JobKeys.WORKSPACE || key == JobKeys.CWD);
            if (always) {
                spec.req(key.name(), schema);
            } else {
                spec.opt(key.name(), schema);
            }
        }
        return spec;
    }

    private static Map<String, Object> property(SpecKey<?> key) {
        Map<String, Object> schema = new LinkedHashMap<>(key.type().jsonSchema());
        schema.put("description", key.summary());
        if (key.defaultValue() != null) {
            schema.put("default", toJson(key, key.defaultValue()));
        }
        schema.put("examples", List.of(example(key)));
        return schema;
    }

    /** The key's documented example (a TOML value) as the JSON value its type reads and writes back. */
    public static Object example(SpecKey<?> key) {
        TomlParseResult toml = Toml.parse("v = " + key.example());
        if (toml.hasErrors()) {
            throw new IllegalStateException(key.name() + ": example is not TOML: " + toml.errors());
        }
        RawValue raw = JsonSpecs.table("", Map.of(key.name(), plain(toml.get("v")))).get(key.name());
        Problems problems = new Problems("example");
        Object value = key.type().read(raw, new KeyType.At(problems, key.name(), Position.UNKNOWN));
        if (value == null) {
            throw new IllegalStateException(key.name() + ": example " + key.example() + " is not valid: " + problems.sorted());
        }
        return toJson(key, value);
    }

    /** A TOML value as plain JSON data. */
    private static Object plain(Object value) {
        return switch (value) {
            case TomlArray a -> a.toList().stream().map(JobSpecSchema::plain).toList();
            case TomlTable t -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (String k : t.keySet()) {
                    m.put(k, plain(t.get(List.of(k))));
                }
                yield m;
            }
            default -> value;
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> Object toJson(SpecKey<T> key, Object value) {
        return key.type().toJson((T) value);
    }
}
