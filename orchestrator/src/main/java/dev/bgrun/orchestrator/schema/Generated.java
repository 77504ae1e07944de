package dev.bgrun.orchestrator.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.MemberScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobNames;
import dev.bgrun.orchestrator.job.JobState;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.logs.LogStore;
import dev.bgrun.orchestrator.messages.Messages;
import dev.bgrun.orchestrator.messages.Shape;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Generates the JSON Schema of every message record ({@code dev.bgrun.orchestrator.messages}) with victools'
 * jsonschema-generator, at build time: {@code main} writes them to resources under {@link MessageSchemas#RESOURCE}, which
 * {@link OutputSchemas} reads, so no run of bgrun pays for the generator (it costs most of a second in a cold
 * JVM) and the jar does not carry it. A schema says what a component's JSON is: its name as {@link Messages}
 * writes it, its Java type, its description ({@code @JsonPropertyDescription}) and what {@link Shape} adds.
 * Every component is required but one left out when null ({@code @JsonInclude(NON_NULL)}), and may be null
 * only when it is {@link Shape.Nullable}. Objects are closed and inlined, properties in declaration order.
 */
public final class Generated {
    private Generated() {
    }

    /** Writes the schema of every record in {@code CLASSES/dev/bgrun/orchestrator/messages} (nested ones too). */
    public static void main(String[] args) throws Exception {
        Path classes = Path.of(args[0]);
        String pkg = Messages.class.getPackageName();
        Path out = classes.resolve(Generated.class.getPackageName().replace('.', '/')).resolve(MessageSchemas.RESOURCE);
        Files.createDirectories(out);
        try (Stream<Path> files = Files.list(classes.resolve(pkg.replace('.', '/')))) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class")) {
                    Class<?> type = Class.forName(pkg + "." + name.substring(0, name.length() - ".class".length()));
                    if (type.isRecord()) {
                        Files.writeString(out.resolve(MessageSchemas.name(type) + ".json"), Json.write(of(type)) + "\n");
                    }
                }
            }
        }
    }

    /** The schema of one record's JSON. */
    static Map<String, Object> of(Class<?> type) {
        Map<String, Object> schema = flattened(Json.readObject(generator().generateSchema(type).toString()));
        inOrder(schema, type);
        Shape.Tagged tag = type.getAnnotation(Shape.Tagged.class);
        if (tag != null) {
            properties(schema).put("type", Map.of("const", tag.value()));
        }
        return schema;
    }

    /** Properties (and required ones) in the order Messages writes them: an unwrapped component's at its place. */
    private static void inOrder(Map<String, Object> schema, Class<?> type) {
        List<String> order = names(type);
        Map<String, Object> sorted = new LinkedHashMap<>();
        order.forEach(name -> {
            if (properties(schema).containsKey(name)) {
                sorted.put(name, properties(schema).get(name));
            }
        });
        sorted.putAll(properties(schema)); // none left, unless a record has more than its components
        schema.put("properties", sorted);
        @SuppressWarnings("unchecked")
        List<String> required = (List<String>) schema.getOrDefault("required", List.of());
        schema.put("required", order.stream().filter(required::contains).toList());
    }

    private static List<String> names(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getAccessor().isAnnotationPresent(JsonUnwrapped.class)) { // the component itself cannot carry it
                names.addAll(names(c.getType()));
            } else {
                names.add(PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName()));
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> schema) {
        return (Map<String, Object>) schema.get("properties");
    }

    /**
     * The schema with each {@code @JsonUnwrapped} component's object (victools gives it as an {@code allOf}
     * part, which a closed object would reject) merged into its parent, its properties first: an unwrapped
     * component comes first in its record, as Messages then writes its fields first.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> flattened(Map<String, Object> schema) {
        Map<String, Object> out = new LinkedHashMap<>();
        schema.forEach((key, value) -> out.put(key, switch (value) {
            case Map<?, ?> m -> flattened((Map<String, Object>) m);
            case List<?> l -> l.stream().map(e -> e instanceof Map<?, ?> m ? flattened((Map<String, Object>) m) : e).toList();
            default -> value;
        }));
        if (!(out.remove("allOf") instanceof List<?> parts)) {
            return out;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        List<Object> required = new ArrayList<>();
        for (Object part : parts) {
            Map<String, Object> p = (Map<String, Object>) part;
            properties.putAll((Map<String, Object>) p.get("properties"));
            required.addAll((List<Object>) p.getOrDefault("required", List.of()));
        }
        properties.putAll((Map<String, Object>) out.getOrDefault("properties", Map.of()));
        required.addAll((List<Object>) out.getOrDefault("required", List.of()));
        out.put("properties", properties);
        out.put("required", List.copyOf(new java.util.LinkedHashSet<>(required)));
        return out;
    }

    private static SchemaGenerator generator() {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(Messages.mapper(), SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON)
                .with(new JacksonModule())
                .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT, Option.INLINE_ALL_SCHEMAS,
                        Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES)
                .without(Option.SCHEMA_VERSION_INDICATOR);
        config.forTypesInGeneral().withPropertySorter((a, b) -> 0); // declaration order, as Messages writes them
        var fields = config.forFields();
        fields.withPropertyNameOverrideResolver(f -> PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(f.getName()));
        fields.withRequiredCheck(f -> !leftOutWhenNull(f));
        fields.withNullableCheck(f -> f.getAnnotationConsideringFieldAndGetter(Shape.Nullable.class) != null);
        fields.withNumberInclusiveMinimumResolver(f -> {
            Shape.Min min = f.getAnnotationConsideringFieldAndGetter(Shape.Min.class);
            return min == null ? null : BigDecimal.valueOf(min.value());
        });
        fields.withInstanceAttributeOverride((node, f, context) -> {
            Shape.Const constant = f.getAnnotationConsideringFieldAndGetter(Shape.Const.class);
            if (constant != null) {
                node.remove("type");
                if (f.getType().getErasedType() == boolean.class) {
                    node.put("const", Boolean.parseBoolean(constant.value()));
                } else {
                    node.put("const", constant.value());
                }
            }
            boolean nullable = f.getAnnotationConsideringFieldAndGetter(Shape.Nullable.class) != null;
            Shape.Values values = f.getAnnotationConsideringFieldAndGetter(Shape.Values.class);
            if (values != null) {
                enumeration(node, List.of(values.value()), nullable);
            }
            Shape.Of of = f.getAnnotationConsideringFieldAndGetter(Shape.Of.class);
            if (of != null && !(f.isContainerType() && !f.isFakeContainerItemScope())) { // a list: said of each item
                ObjectNode each = values(node);
                kind(each, of.value(), nullable && each == node && !f.isFakeContainerItemScope());
            }
        });
        return new SchemaGenerator(config.build());
    }

    /** The node that describes each value: a map's values, else the node itself. */
    private static ObjectNode values(ObjectNode node) {
        JsonNode additional = node.get("additionalProperties");
        return additional instanceof ObjectNode o ? o : node;
    }

    private static void kind(ObjectNode node, Shape.Kind kind, boolean nullable) {
        switch (kind) {
            case JOB_ID -> node.put("pattern", "^[0-9a-f]{10}$");
            case JOB_NAME -> node.put("pattern", "^" + JobNames.PATTERN + "$");
            case WORKSPACE -> node.put("pattern", "^" + JobNames.WORKSPACE.pattern() + "$");
            case TIME -> node.put("format", "date-time");
            case CURSOR -> node.put("pattern", "^[0-9]+$");
            case PORT -> node.put("minimum", 1).put("maximum", 65535);
            case STATE -> enumeration(node, Arrays.stream(JobState.values()).map(JobState::keyword).toList(), nullable);
            case STREAM -> enumeration(node, LogStore.streams(), nullable);
            case CMD -> {
                JsonNode description = node.get("description");
                node.setAll((ObjectNode) Messages.mapper().valueToTree(JobKeys.CMD.type().jsonSchema()));
                if (description != null) {
                    node.set("description", description);
                }
            }
        }
    }

    /** One of these strings, or null when the field may be null (its type says so only later). */
    private static void enumeration(ObjectNode node, List<String> values, boolean nullable) {
        var array = node.putArray("enum");
        values.forEach(array::add);
        if (nullable) {
            array.addNull();
        }
    }

    private static boolean leftOutWhenNull(MemberScope<?, ?> member) {
        JsonInclude include = member.getAnnotationConsideringFieldAndGetter(JsonInclude.class);
        return include != null && include.value() == JsonInclude.Include.NON_NULL;
    }
}
