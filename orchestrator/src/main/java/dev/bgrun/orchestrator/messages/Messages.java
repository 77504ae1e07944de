package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * Writes the daemon's messages, records of this package, as JSON: their components' names in snake_case, in
 * declaration order, nulls written (a field left out when null says so with {@code @JsonInclude(NON_NULL)}).
 * The mapper is made on first use, so a command that prints only plain data never pays for data binding.
 */
public final class Messages {
    private Messages() {
    }

    /** The one mapper; its naming is the schema generator's too ({@code schema.Generated}). */
    public static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    /** Writes a message with a generator of {@code json.Json}'s (so it may sit inside plain data). */
    public static void write(JsonGenerator g, Object message) throws IOException {
        Holder.MAPPER.writeValue(g, message);
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .build();
    }
}
