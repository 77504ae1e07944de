package dev.bgrun.orchestrator.events;

import dev.bgrun.orchestrator.json.Json;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Predicate;

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
    private static final String ID_PREFIX = "{\"id\":";

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
        // One event at a time: the files hold up to 16 MiB, of which memory keeps the last 10,000 events.
        for (Path f : List.of(older, file)) {
            try (BufferedReader in = open(f)) {
                readEach(f, in, 0, (event, json) -> {
                    remember(event, json);
                    lastId = Math.max(lastId, id(event));
                    return true;
                });
            } catch (IOException e) {
                log.accept("cannot read " + f + ": " + e.getMessage());
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
        List<Map<String, Object>> out = new ArrayList<>();
        scan(cursor, event -> {
            out.add(event);
            return out.size() < max;
        });
        return out;
    }

    /**
     * Events after {@code cursor} from memory only, oldest first, at most {@code max}; null when some of them
     * have already left memory (a follower that fell that far behind is told so rather than read the files).
     */
    public List<Map<String, Object>> recent(long cursor, int max) {
        List<Kept> kept;
        synchronized (this) {
            if (!inMemory(cursor)) {
                return null;
            }
            kept = keptAfter(cursor, max);
        }
        List<Map<String, Object>> out = new ArrayList<>(kept.size());
        for (Kept event : kept) {
            out.add(Json.readObject(event.json())); // outside the lock: appends do not wait for a reader
        }
        return out;
    }

    /**
     * Hands each event after {@code cursor} to {@code visitor}, oldest first, until it returns false; outside
     * the log's lock, so a visitor may write to a slow client. From memory when it holds them all, else from
     * the files, one event at a time (never all 16 MiB of them at once), both opened together under the lock:
     * a rotation meanwhile moves what is read, and loses none of it.
     */
    public void scan(long cursor, Predicate<Map<String, Object>> visitor) {
        List<Kept> kept = null;
        BufferedReader olderIn = null;
        BufferedReader fileIn = null;
        try {
            synchronized (this) {
                if (inMemory(cursor)) {
                    kept = keptAfter(cursor, Integer.MAX_VALUE);
                } else {
                    olderIn = open(older);
                    fileIn = open(file);
                }
            }
            if (kept != null) {
                for (Kept event : kept) {
                    if (!visitor.test(Json.readObject(event.json()))) {
                        return;
                    }
                }
                return;
            }
            BiPredicate<Map<String, Object>, String> after = (event, json) -> id(event) <= cursor || visitor.test(event);
            if (readEach(older, olderIn, cursor, after)) {
                readEach(file, fileIn, cursor, after);
            }
        } catch (IOException e) {
            log.accept("cannot read the events: " + e.getMessage());
        } finally {
            closeQuietly(olderIn);
            closeQuietly(fileIn);
        }
    }

    /** The events in memory after {@code cursor}, at most {@code max}; called with the lock held. */
    private List<Kept> keptAfter(long cursor, int max) {
        List<Kept> kept = new ArrayList<>();
        for (Kept event : recent) {
            if (event.id() > cursor) {
                kept.add(event);
                if (kept.size() >= max) {
                    break;
                }
            }
        }
        return kept;
    }

    /** Whether memory holds every event after {@code cursor}. */
    private boolean inMemory(long cursor) {
        return recent.isEmpty() ? cursor >= lastId : recent.peekFirst().id() <= cursor + 1;
    }

    private static long id(Map<String, Object> event) {
        return ((Number) event.get("id")).longValue();
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
        recent.addLast(new Kept(id(event), json));
        if (recent.size() > KEPT_IN_MEMORY) {
            recent.removeFirst();
        }
    }

    /** A reader of {@code f}, or null when there is no such file. */
    private static BufferedReader open(Path f) throws IOException {
        try {
            return Files.newBufferedReader(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Hands each event of {@code in} after {@code cursor} to {@code visitor} until it returns false; returns
     * whether it never did. Lines at or before the cursor are skipped by their leading id, unparsed: a reader
     * that pages through the files after a cursor does not parse everything before it again.
     */
    private boolean readEach(Path f, BufferedReader in, long cursor, BiPredicate<Map<String, Object>, String> visitor) {
        if (in == null) {
            return true;
        }
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (leadingId(line) <= cursor) {
                    continue;
                }
                Map<String, Object> event;
                try {
                    event = Json.readObject(line);
                } catch (RuntimeException e) {
                    continue; // a line cut short by a crash: the events before and after it still count
                }
                if (!visitor.test(event, line)) {
                    return false;
                }
            }
        } catch (IOException e) {
            log.accept("cannot read " + f + ": " + e.getMessage());
        }
        return true;
    }

    /** The id a line starts with ({@code {"id":N,}, as {@link #append} writes it), or MAX_VALUE if it does not. */
    static long leadingId(String line) {
        if (!line.startsWith(ID_PREFIX)) {
            return Long.MAX_VALUE;
        }
        long id = 0;
        int i = ID_PREFIX.length();
        for (; i < line.length() && i < ID_PREFIX.length() + 18; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            id = id * 10 + (c - '0');
        }
        return i > ID_PREFIX.length() && i < line.length() && line.charAt(i) == ',' ? id : Long.MAX_VALUE;
    }

    private static void closeQuietly(BufferedReader in) {
        try {
            if (in != null) {
                in.close();
            }
        } catch (IOException ignored) {
            // read to the end or given up: nothing was written
        }
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
