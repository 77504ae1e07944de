package dev.bgrun.orchestrator.logs;

import dev.bgrun.orchestrator.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named {@code diff} cursors the daemon keeps for a job, in {@code cursors.json} beside its log, so an
 * agent that only says "what is new" gets each line once, across daemon restarts too. A cursor is a line
 * number, and line numbers never change, so rotation cannot invalidate one.
 */
public final class Cursors {
    private final Path file;
    private Map<String, Object> values;

    Cursors(Path file) {
        this.file = file;
    }

    public synchronized long get(String name) {
        Object v = load().get(name);
        return v instanceof Number n ? n.longValue() : 0;
    }

    public synchronized void put(String name, long cursor) {
        load().put(name, cursor);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Json.write(values));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, Object> load() {
        if (values == null) {
            values = new LinkedHashMap<>();
            try {
                if (Files.exists(file)) {
                    values.putAll(Json.readObject(Files.readString(file)));
                }
            } catch (IOException | RuntimeException e) {
                // unreadable: start over, as if no cursor had been kept (the next diff shows everything)
            }
        }
        return values;
    }
}
