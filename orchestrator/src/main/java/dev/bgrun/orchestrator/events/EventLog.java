package dev.bgrun.orchestrator.events;

import dev.bgrun.orchestrator.json.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The daemon's events (job transitions, notifications), each with an id that only grows, across daemon
 * restarts too: an event's id is its cursor, and "every event after cursor C" is answered exactly once, in
 * order. Appended to {@code events.ndjson} in the state root (one older file is kept when it passes its cap)
 * and the latest ones kept in memory.
 */
public final class EventLog implements AutoCloseable {
    /** Every type of event there is, as events name them (see {@link EventType}). */
    public static final List<String> TYPES = java.util.Arrays.stream(EventType.values()).map(EventType::keyword).toList();
    /** How many of the latest events are kept in memory: what a follower may fall behind by. */
    public static final int KEPT_IN_MEMORY = 10_000;
    private static final long MAX_FILE_BYTES = 8L * 1024 * 1024;

    private final Path file;
    private final Path older;
    private final Consumer<String> log;
    /**
     * The latest events as the JSON lines written for them, read back when asked for: a line is about a third
     * of the memory of its map, and the daemon keeps 10,000 of them whatever it does.
     */
    private final ArrayDeque<Kept> recent = new ArrayDeque<>();
    private final List<Consumer<Map<String, Object>>> listeners = new CopyOnWriteArrayList<>();
    private long lastId;
    private long fileBytes;
    private BufferedWriter out;

    public EventLog(Path dir, Consumer<String> log) {
        this.file = dir.resolve("events.ndjson");
        this.older = dir.resolve("events.1.ndjson");
        this.log = log;
        for (Path f : List.of(older, file)) {
            for (Map<String, Object> event : read(f)) {
                remember(event, Json.write(event));
                lastId = Math.max(lastId, ((Number) event.get("id")).longValue());
            }
        }
    }

    /** Whether anyone follows the events now (then notify markers should be seen without delay). */
    public boolean hasListeners() {
        return !listeners.isEmpty();
    }

    /** Records an event of this type; returns it with its id, cursor and time. */
    public synchronized Map<String, Object> append(EventType type, Map<String, Object> fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", ++lastId);
        event.put("cursor", Long.toString(lastId));
        event.put("at", Instant.now().toString());
        event.put("type", type.keyword());
        event.putAll(fields);
        String json = Json.write(event);
        write(event, json);
        remember(event, json);
        for (Consumer<Map<String, Object>> listener : listeners) {
            listener.accept(event); // under the lock: every listener sees events in id order
        }
        return event;
    }

    /** The id of the latest event (0 when there is none): the cursor of "now". */
    public synchronized long lastId() {
        return lastId;
    }

    /** Events after {@code cursor}, oldest first, at most {@code max}. */
    public List<Map<String, Object>> since(long cursor, int max) {
        return after(cursor, max, false);
    }

    /**
     * Events after {@code cursor} from memory only, oldest first, at most {@code max}; null when some of them
     * have already left memory (a follower that fell that far behind is told so rather than read the files).
     */
    public List<Map<String, Object>> recent(long cursor, int max) {
        return after(cursor, max, true);
    }

    private List<Map<String, Object>> after(long cursor, int max, boolean memoryOnly) {
        List<Kept> kept = new ArrayList<>();
        synchronized (this) {
            boolean inMemory = recent.isEmpty() ? cursor >= lastId : recent.peekFirst().id() <= cursor + 1;
            if (!inMemory && memoryOnly) {
                return null;
            }
            if (!inMemory && !recent.isEmpty()) {
                return fromFiles(cursor, max);
            }
            for (Kept event : recent) {
                if (event.id() > cursor) {
                    kept.add(event);
                    if (kept.size() >= max) {
                        break;
                    }
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>(kept.size());
        for (Kept event : kept) {
            out.add(Json.readObject(event.json())); // outside the lock: appends do not wait for a reader
        }
        return out;
    }

    private List<Map<String, Object>> fromFiles(long cursor, int max) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> event : readBoth()) {
            if (((Number) event.get("id")).longValue() > cursor) {
                out.add(event);
                if (out.size() >= max) {
                    break;
                }
            }
        }
        return out;
    }

    /** Hears every event appended from now on, in order (called with the log's lock held: only queue it). */
    public void subscribe(Consumer<Map<String, Object>> listener) {
        listeners.add(listener);
    }

    public void unsubscribe(Consumer<Map<String, Object>> listener) {
        listeners.remove(listener);
    }

    private record Kept(long id, String json) {
    }

    private void remember(Map<String, Object> event, String json) {
        recent.addLast(new Kept(((Number) event.get("id")).longValue(), json));
        if (recent.size() > KEPT_IN_MEMORY) {
            recent.removeFirst();
        }
    }

    private List<Map<String, Object>> readBoth() {
        List<Map<String, Object>> all = new ArrayList<>(read(older));
        all.addAll(read(file));
        return all;
    }

    private List<Map<String, Object>> read(Path f) {
        List<Map<String, Object>> events = new ArrayList<>();
        if (!Files.exists(f)) {
            return events;
        }
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                try {
                    events.add(Json.readObject(line));
                } catch (RuntimeException e) {
                    // a line cut short by a crash: the events before and after it still count
                }
            }
        } catch (IOException e) {
            log.accept("cannot read " + f + ": " + e.getMessage());
        }
        return events;
    }

    private void write(Map<String, Object> event, String json) {
        try {
            if (out == null) {
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                fileBytes = Files.size(file);
                if (fileBytes > 0 && !endsWithNewline()) {
                    out.write('\n'); // end a line a crash cut short, so it does not swallow the next event
                    fileBytes++;
                }
            }
            String line = json + "\n";
            out.write(line);
            out.flush();
            fileBytes += line.length();
            if (fileBytes > MAX_FILE_BYTES) {
                out.close();
                out = null;
                Files.move(file, older, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.accept("cannot record event " + event.get("id") + ": " + e.getMessage());
        }
    }

    private boolean endsWithNewline() throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ)) {
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            return last.get(0) == '\n';
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // closing at exit
        }
    }
}
