package dev.bgrun.orchestrator.schema;

import dev.bgrun.orchestrator.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The JSON Schemas of the message records ({@code dev.bgrun.orchestrator.messages}), generated at build time by
 * {@link Generated} into the resource {@link #RESOURCE} beside this class, and read from it on first use.
 */
public final class MessageSchemas {
    /** Every message record's schema, by its name in its package ({@link #name}). */
    public static final String RESOURCE = "message-schemas.json";

    private MessageSchemas() {
    }

    /** A record's schema; a copy, the caller's to change. */
    public static Map<String, Object> of(Class<? extends Record> type) {
        Object schema = Holder.ALL.get(name(type));
        if (schema == null) {
            throw new IllegalStateException("no generated schema for " + type.getName() + " in " + RESOURCE);
        }
        return Json.readObject(Json.write(schema));
    }

    /** A record's name in the resource: its name in its package ({@code Group.Result}). */
    static String name(Class<?> type) {
        return type.getName().substring(type.getPackageName().length() + 1).replace('$', '.');
    }

    private static final class Holder {
        static final Map<String, Object> ALL = read();

        private static Map<String, Object> read() {
            try (InputStream in = MessageSchemas.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing: the build generates it (schema.Generated)");
                }
                return Json.readObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
