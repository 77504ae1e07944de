package dev.bgrun.orchestrator.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A job's output: the files its process writes directly ({@code stdout.log}, {@code stderr.log}, which keep
 * filling while the daemon is down) and an index of their lines ({@code lines.idx}) that gives every line its
 * number, stream, time and incarnation. The index has fixed-size records, so the last N lines are found
 * without reading the logs, and it records how far each file is indexed, so a restarted daemon resumes
 * exactly where the last one stopped.
 */
public final class LogStore implements AutoCloseable {
    public static final String STDOUT = "stdout.log";
    public static final String STDERR = "stderr.log";
    static final String INDEX = "lines.idx";
    /** A line longer than this without a newline is split, so a runaway writer cannot grow memory. */
    static final int MAX_LINE = 1 << 20;
    /** How much is read at a time; a line longer than this is read again with a window up to MAX_LINE. */
    private static final int READ_WINDOW = 64 * 1024;

    // Record: time ms (8), offset (8), length (4), incarnation (4), stream (1), pad (7), stdout end (8), stderr end (8).
    private static final int RECORD = 48;
    private static final String[] STREAMS = {"stdout", "stderr"};

    /** The streams a line can come from, as lines name them. */
    public static List<String> streams() {
        return List.of(STREAMS);
    }

    private final Path dir;
    private final FileChannel index;
    private final FileChannel[] files = new FileChannel[2];
    private final long[] indexedEnd = new long[2];
    private long count;
    /** Records not yet written: one write per catch-up (or per 1,024 lines), not one per line. */
    private ByteBuffer batch;
    /** Reused between reads; allocated on the first output, so a silent job costs no buffer. */
    private ByteBuffer chunk;
    /** One clock reading per catch-up: lines read together were seen at the same moment. */
    private Instant now;
    private final List<Consumer<LogLine>> listeners = new CopyOnWriteArrayList<>();

    private volatile Consumer<LogLine> hook;
    private volatile byte[] hookPrefix;
    private volatile String hookPrefixText;

    public LogStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            for (String name : new String[]{STDOUT, STDERR}) {
                Path file = dir.resolve(name);
                if (!Files.exists(file)) {
                    Files.createFile(file);
                }
            }
            index = FileChannel.open(dir.resolve(INDEX), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            long size = index.size();
            count = size / RECORD;
            if (size % RECORD != 0) {
                index.truncate(count * RECORD); // a record cut short by a crash
            }
            if (count > 0) {
                ByteBuffer last = read(count - 1);
                indexedEnd[0] = last.getLong(32);
                indexedEnd[1] = last.getLong(40);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path file(String stream) {
        return dir.resolve(stream.equals("stderr") ? STDERR : STDOUT);
    }

    public synchronized long lineCount() {
        return count;
    }

    public void addListener(Consumer<LogLine> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<LogLine> listener) {
        listeners.remove(listener);
    }

    /**
     * Sees every line that starts with {@code prefix}, once, as it is indexed, whether or not anyone listens
     * (the daemon's notify markers); unlike a listener it does not make indexing immediate, and other lines
     * are not even decoded for it.
     */
    public void lineHook(String prefix, Consumer<LogLine> hook) {
        this.hookPrefixText = prefix;
        this.hookPrefix = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.hook = hook;
    }

    private boolean hooked(byte[] bytes, int start, int length) {
        byte[] p = hookPrefix;
        if (hook == null || p == null || length < p.length) {
            return false;
        }
        return java.util.Arrays.equals(bytes, start, start + p.length, p, 0, p.length);
    }

    /** Whether anyone (a follower, a readiness rule) wants lines as soon as they are written. */
    public boolean hasListeners() {
        return !listeners.isEmpty();
    }

    /** Indexes whatever the job wrote since the last call; complete lines only unless {@code flush}. */
    public void catchUp(int incarnation, boolean flush) {
        List<LogLine> added = new ArrayList<>();
        synchronized (this) {
            try {
                now = Instant.now();
                for (int s = 0; s < 2; s++) {
                    added.addAll(indexStream(s, incarnation, flush));
                }
                writeBatch();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Consumer<LogLine> h = hook;
        String prefix = hookPrefixText;
        for (LogLine line : added) {
            if (h != null && line.text().startsWith(prefix)) {
                h.accept(line);
            }
            if (listeners.isEmpty()) {
                continue; // decoded for the hook only
            }
            for (Consumer<LogLine> listener : listeners) {
                listener.accept(line);
            }
        }
    }

    private List<LogLine> indexStream(int s, int incarnation, boolean flush) throws IOException {
        List<LogLine> added = new ArrayList<>();
        FileChannel file = channel(s);
        long size = file.size();
        if (size < indexedEnd[s]) {
            indexedEnd[s] = size; // truncated by someone else: follow from the new end
        }
        int window = READ_WINDOW;
        while (indexedEnd[s] < size) {
            int want = (int) Math.min(size - indexedEnd[s], window);
            if (chunk == null || chunk.capacity() < want) {
                chunk = ByteBuffer.allocate(Math.max(want, READ_WINDOW));
            }
            chunk.clear().limit(want);
            while (chunk.hasRemaining() && file.read(chunk, indexedEnd[s] + chunk.position()) > 0) {
                // a short read: keep reading up to what the size promised
            }
            chunk.flip();
            byte[] bytes = chunk.array();
            int length = chunk.limit();
            int lineStart = 0;
            for (int i = 0; i < length; i++) {
                if (bytes[i] == '\n') {
                    add(added, append(s, incarnation, bytes, lineStart, i - lineStart, i + 1 - lineStart));
                    lineStart = i + 1;
                }
            }
            if (lineStart > 0) {
                continue; // lines were taken; the rest is read again from the new end
            }
            if (length == window && window <= MAX_LINE) {
                window = MAX_LINE + 1; // a long line: read up to the cap to find its end
                continue;
            }
            int rest = length;
            if (rest > MAX_LINE) {
                add(added, append(s, incarnation, bytes, 0, MAX_LINE, MAX_LINE));
            } else if (flush) {
                add(added, append(s, incarnation, bytes, 0, rest, rest));
            } else {
                break; // a partial line: wait for its newline
            }
        }
        return added;
    }

    /** Appends one index record for bytes[start, start+length) and moves the indexed end by {@code consumed}. */
    private LogLine append(int s, int incarnation, byte[] bytes, int start, int length, int consumed) throws IOException {
        long offset = indexedEnd[s];
        indexedEnd[s] += consumed;
        if (batch == null) {
            batch = ByteBuffer.allocate(RECORD * 1024);
        }
        if (batch.remaining() < RECORD) {
            writeBatch();
        }
        int at = batch.position();
        batch.putLong(at, now.toEpochMilli());
        batch.putLong(at + 8, offset);
        batch.putInt(at + 16, length);
        batch.putInt(at + 20, incarnation);
        batch.put(at + 24, (byte) s);
        batch.putLong(at + 32, indexedEnd[0]);
        batch.putLong(at + 40, indexedEnd[1]);
        batch.position(at + RECORD);
        count++;
        // Lines are materialised only for listeners (follow, readiness): a fast writer costs no garbage.
        return listeners.isEmpty() && !hooked(bytes, start, length) ? null : new LogLine(count, STREAMS[s], now, incarnation, text(bytes, start, length));
    }

    private static void add(List<LogLine> lines, LogLine line) {
        if (line != null) {
            lines.add(line);
        }
    }

    private void writeBatch() throws IOException {
        if (batch == null) {
            return;
        }
        long at = (count - batch.position() / RECORD) * RECORD;
        batch.flip();
        while (batch.hasRemaining()) {
            at += index.write(batch, at);
        }
        batch.clear();
    }

    /** The last {@code n} lines. */
    public synchronized List<LogLine> tail(int n) {
        return range(Math.max(1, count - n + 1), n);
    }

    /** Up to {@code max} lines starting at line number {@code from}. */
    public synchronized List<LogLine> range(long from, int max) {
        List<LogLine> lines = new ArrayList<>();
        try {
            for (long n = Math.max(1, from); n <= count && lines.size() < max; n++) {
                ByteBuffer r = read(n - 1);
                int s = r.get(24);
                int length = r.getInt(16);
                ByteBuffer content = ByteBuffer.allocate(length);
                channel(s).read(content, r.getLong(8));
                lines.add(new LogLine(n, STREAMS[s], Instant.ofEpochMilli(r.getLong(0)), r.getInt(20),
                        text(content.array(), 0, content.position())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private ByteBuffer read(long recordIndex) throws IOException {
        ByteBuffer r = ByteBuffer.allocate(RECORD);
        index.read(r, recordIndex * RECORD);
        return r;
    }

    private FileChannel channel(int s) throws IOException {
        if (files[s] == null) {
            files[s] = FileChannel.open(dir.resolve(s == 0 ? STDOUT : STDERR), StandardOpenOption.READ);
        }
        return files[s];
    }

    private static String text(byte[] bytes, int start, int length) {
        int end = start + length;
        if (end > start && bytes[end - 1] == '\r') {
            end--;
        }
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        try {
            index.close();
            for (FileChannel f : files) {
                if (f != null) {
                    f.close();
                }
            }
        } catch (IOException ignored) {
            // closing; nothing to do
        }
    }
}
