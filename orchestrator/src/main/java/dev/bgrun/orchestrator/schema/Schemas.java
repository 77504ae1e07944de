package dev.bgrun.orchestrator.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small builders for JSON Schema (draft 2020-12) fragments as plain data, so that each shape of bgrun's
 * output is written once, readably, and reused wherever the same object is printed.
 */
public final class Schemas {
    /** The dialect every schema bgrun prints declares. */
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private Schemas() {
    }

    public static Map<String, Object> string() {
        return type("string");
    }

    /** A string that is an ISO 8601 instant, as bgrun prints times. */
    public static Map<String, Object> instant() {
        return with(string(), "format", "date-time");
    }

    public static Map<String, Object> integer() {
        return type("integer");
    }

    /** An integer of at least {@code min}. */
    public static Map<String, Object> integer(long min) {
        return with(integer(), "minimum", min);
    }

    public static Map<String, Object> number() {
        return type("number");
    }

    public static Map<String, Object> bool() {
        return type("boolean");
    }

    /** Exactly this value. */
    public static Map<String, Object> constant(Object value) {
        return object1("const", value);
    }

    /** One of these values. */
    public static Map<String, Object> oneOfValues(Collection<?> values) {
        return object1("enum", List.copyOf(values));
    }

    public static Map<String, Object> arrayOf(Map<String, Object> items) {
        Map<String, Object> m = type("array");
        m.put("items", items);
        return m;
    }

    /** An object of any keys, each value matching {@code values} (a map such as ports or env). */
    public static Map<String, Object> mapOf(Map<String, Object> values) {
        Map<String, Object> m = type("object");
        m.put("additionalProperties", values);
        return m;
    }

    /** The schema, or null. */
    public static Map<String, Object> nullable(Map<String, Object> schema) {
        boolean simple = schema.get("type") instanceof String && !schema.containsKey("enum") && !schema.containsKey("const")
                && !schema.containsKey("oneOf") && !schema.containsKey("anyOf") && !schema.containsKey("allOf");
        if (simple) {
            Map<String, Object> m = new LinkedHashMap<>(schema);
            m.put("type", List.of(schema.get("type"), "null"));
            return m;
        }
        return object1("anyOf", List.of(schema, type("null")));
    }

    /** Exactly one of these shapes. */
    public static Map<String, Object> oneOf(List<Map<String, Object>> schemas) {
        return object1("oneOf", List.copyOf(schemas));
    }

    /** A copy of the schema with a description. */
    public static Map<String, Object> describe(Map<String, Object> schema, String description) {
        return with(schema, "description", description);
    }

    /** A copy of the schema with one more keyword. */
    public static Map<String, Object> with(Map<String, Object> schema, String keyword, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(schema);
        m.put(keyword, value);
        return m;
    }

    /** A schema made a document of its own: the dialect, a title and a description (given, or the schema's) first. */
    public static Map<String, Object> document(String title, String description, Map<String, Object> schema) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("$schema", DIALECT);
        m.put("title", title);
        Object said = description != null ? description : schema.get("description");
        if (said != null) {
            m.put("description", said);
        }
        schema.forEach(m::putIfAbsent);
        return m;
    }

    /** A closed object: the properties it declares and no other. */
    public static Obj object() {
        return new Obj();
    }

    private static Map<String, Object> type(String type) {
        return object1("type", type);
    }

    private static Map<String, Object> object1(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return m;
    }

    /**
     * An object schema being built: required and optional properties in the order the object prints them,
     * and {@code additionalProperties: false}, so a field added in code without its schema is caught.
     */
    public static final class Obj {
        private final Map<String, Map<String, Object>> properties = new LinkedHashMap<>();
        private final List<String> required = new ArrayList<>();
        private boolean open;
        private String description;

        private Obj() {
        }

        /** A property the object always has. */
        public Obj req(String name, Map<String, Object> schema) {
            properties.put(name, schema);
            if (!required.contains(name)) {
                required.add(name);
            }
            return this;
        }

        /** A property with a description, always present. */
        public Obj req(String name, Map<String, Object> schema, String description) {
            return req(name, describe(schema, description));
        }

        /** A property the object has only sometimes. */
        public Obj opt(String name, Map<String, Object> schema) {
            properties.put(name, schema);
            required.remove(name);
            return this;
        }

        public Obj opt(String name, Map<String, Object> schema, String description) {
            return opt(name, describe(schema, description));
        }

        /** An object schema already built (a generated one), to extend. */
        @SuppressWarnings("unchecked")
        public static Obj of(Map<String, Object> schema) {
            Obj obj = new Obj();
            List<Object> required = (List<Object>) schema.getOrDefault("required", List.of());
            ((Map<String, Map<String, Object>>) schema.get("properties")).forEach((name, property) -> {
                if (required.contains(name)) {
                    obj.req(name, property);
                } else {
                    obj.opt(name, property);
                }
            });
            obj.open = !Boolean.FALSE.equals(schema.get("additionalProperties"));
            obj.description = (String) schema.get("description");
            return obj;
        }

        /** Every property of another object, with the same presence. */
        public Obj all(Obj other) {
            other.properties.forEach((name, schema) -> {
                if (other.required.contains(name)) {
                    req(name, schema);
                } else {
                    opt(name, schema);
                }
            });
            return this;
        }

        /** Allows properties besides those declared (details of an error depend on its type). */
        public Obj open() {
            open = true;
            return this;
        }

        public Obj description(String text) {
            description = text;
            return this;
        }

        /** A copy, to extend without changing this one. */
        public Obj copy() {
            Obj copy = new Obj().all(this);
            copy.open = open;
            copy.description = description;
            return copy;
        }

        public Map<String, Object> build() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (description != null) {
                m.put("description", description);
            }
            m.put("type", "object");
            m.put("properties", new LinkedHashMap<>(properties));
            m.put("required", List.copyOf(required));
            m.put("additionalProperties", open);
            return m;
        }
    }
}
