package dev.bgrun.orchestrator.schema;

import dev.bgrun.orchestrator.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas of the message records ({@code dev.bgrun.orchestrator.messages}), generated at build time by
 * {@link Generated} into resources under {@link #RESOURCE} beside this class, one per record, each read when
 * first asked for (so {@code schema show status} reads only what status prints).
 */
public final class MessageSchemas {
    /** The folder of the schemas: {@code NAME.json} for each record, NAME its name in its package ({@link #name}). */
    public static final String RESOURCE = "message-schemas";
    private static final Map<String, Map<String, Object>> READ = new ConcurrentHashMap<>();

    private MessageSchemas() {
    }

    /**
     * A record's schema, shared: build on it with {@link Schemas}' helpers, which copy (as every schema
     * {@link OutputSchemas} hands out is shared).
     */
    public static Map<String, Object> of(Class<? extends Record> type) {
        return READ.computeIfAbsent(name(type), MessageSchemas::read);
    }

    /** A record's name in the resource: its name in its package ({@code Group.Result}). */
    static String name(Class<?> type) {
        return type.getName().substring(type.getPackageName().length() + 1).replace('$', '.');
    }

    private static Map<String, Object> read(String name) {
        String path = RESOURCE + "/" + name + ".json";
        try (InputStream in = MessageSchemas.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing: the build generates it (schema.Generated)");
            }
            return Json.readObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
