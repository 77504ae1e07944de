package dev.bgrun.orchestrator.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.error.IoErrors;
import dev.bgrun.orchestrator.json.Json;

/**
 * A job's output: the files its process writes directly ({@code stdout.log}, {@code stderr.log}, which keep
 * filling while the daemon is down) and an index of their lines ({@code lines.idx}) that gives every line its
 * number, stream, time and incarnation. The index has fixed-size records, so the last N lines are found
 * without reading the logs, and it records how far each file is indexed, so a restarted daemon resumes
 * exactly where the last one stopped.
 *
 * <p>Rotation: when a live file passes its cap, its indexed head moves into {@code rotated/} (see
 * {@link StreamFile}), and only the newest segments are kept. Offsets in the index are logical, so line
 * numbers stay continuous and old records stay valid; lines whose bytes were dropped are below
 * {@link #firstLine()}, and the index records before them are freed from disk. The cap counts a line's index
 * record with its bytes, so very short lines rotate sooner and the cap bounds the logs and the index together.
 *
 * <p>Files are open only during an operation (a catch-up, a read), never between: a job costs the daemon no
 * open file while nobody reads it and nothing new is written, so thousands of ended jobs hold none.
 *
 * <p>A catch-up is all or nothing: when the index cannot be written (the disk is full) the pass is undone, so
 * the index never holds records that were not written, and the next catch-up indexes the same lines again.
 * Records are checked as they are read; an inconsistent index (a crash, an older daemon) is rebuilt from the
 * log files from its first bad record on.
 */
public final class LogStore implements AutoCloseable {
    public static final String STDOUT = "stdout.log";
    public static final String STDERR = "stderr.log";
    static final String INDEX = "lines.idx";
    static final String ROTATION = "rotation.json";
    /** Collapsing a range works in whole filesystem blocks. */
    private static final long BLOCK = 4096;
    /** A line longer than this without a newline is split, so a runaway writer cannot grow memory. */
    static final int MAX_LINE = 1 << 20;
    /** How much is read at a time; a line longer than this is read again with a window up to MAX_LINE. */
    private static final int READ_WINDOW = 64 * 1024;
    /** How much of a stream one catch-up pass indexes before it rotates and hands lines on. */
    private static final long PASS_BYTES = 4L * 1024 * 1024;
    /** The most records written at once, and the fewest a batch starts with. */
    private static final int BATCH_RECORDS = 1024;
    private static final int FIRST_BATCH_RECORDS = 16;
    private static final int FIRST_CHUNK = 4096;

    // Record: time ms (8), offset (8), length (4), incarnation (4), stream (1), pad (7), stdout end (8), stderr end (8).
    private static final int RECORD = 48;
    private static final String[] STREAMS = {"stdout", "stderr"};

    /** The streams a line can come from, as lines name them. */
    public static List<String> streams() {
        return List.of(STREAMS);
    }

    private final Path dir;
    /** Open only during an operation (see {@link #closeFiles}). */
    private FileChannel index;
    private final StreamFile[] streams;
    private final long[] indexedEnd = new long[2];
    private long count;
    /** The first line whose bytes are still kept (1 until rotation drops some). */
    private long firstLine = 1;
    private long nextSegment = 1;
    /**
     * Lines indexed in each stream's live part, about (the head cut by a rotation takes its share): their index
     * records count against the cap. Read without the lock by {@link #overCap}.
     */
    private final AtomicLongArray liveLines = new AtomicLongArray(2);
    /** Volatile: {@link #overCap} reads it without the lock. */
    private volatile long maxLiveBytes = Long.MAX_VALUE;
    private int maxSegments = Integer.MAX_VALUE;
    private final ScreenBuffer screen = new ScreenBuffer();
    private Cursors cursors;
    /**
     * Records not yet written: one write per catch-up (or per {@link #BATCH_RECORDS} lines), not one per line.
     * Made on the first output, small, and grown with what a catch-up finds; dropped by {@link #release}.
     */
    private ByteBuffer batch;
    /**
     * Reused between reads; made on the first output, as large as what was there to read (from 4 KiB up to the
     * read window): a job that writes a line costs 4 KiB, not the 64 KiB a busy one needs. Dropped by
     * {@link #release}.
     */
    private ByteBuffer chunk;
    /** One clock reading per catch-up: lines read together were seen at the same moment. */
    private Instant now;
    /** Those who want each line's text as it is indexed (readiness, expect): lines are decoded for them. */
    private final List<Consumer<LogLine>> listeners = new CopyOnWriteArrayList<>();
    /**
     * Those who only want to know that lines came (followers, which then read at their own pace): told once a
     * pass, and no line is decoded for them, so a flood followed by a slow client makes no garbage per line.
     */
    private final List<Runnable> wakeups = new CopyOnWriteArrayList<>();

    private volatile Consumer<LogLine> hook;
    private volatile byte[] hookPrefix;
    private volatile String hookPrefixText;

    public LogStore(Path dir) {
        this.dir = dir;
        this.streams = new StreamFile[]{new StreamFile(dir, "stdout", STDOUT), new StreamFile(dir, "stderr", STDERR)};
        try {
            Files.createDirectories(dir);
            for (String name : new String[]{STDOUT, STDERR}) {
                Path file = dir.resolve(name);
                if (!Files.exists(file)) {
                    Files.createFile(file);
                }
            }
            long size = index().size();
            count = size / RECORD;
            if (size % RECORD != 0) {
                index().truncate(count * RECORD); // a record cut short by a crash
            }
            restoreRotation();
            if (count >= firstLine && !valid(read(count - 1), 0)) {
                dropFrom(lastValid() + 1); // zeros at the end (a crash, an older daemon): indexed again from the logs
            }
            ends(count);
            for (int s = 0; s < 2; s++) {
                // Unknown after a restart: every line since the live file began counts, which can only rotate sooner.
                liveLines.set(s, count - firstRecordEndingAfter(s, streams[s].base()));
            }
        } catch (IOException e) {
            throw IoErrors.of("cannot open the log index", dir.resolve(INDEX), e);
        } finally {
            closeFiles();
        }
    }

    /** Sets the indexed ends to what the first {@code records} records cover. */
    private void ends(long records) throws IOException {
        if (records > 0 && records >= firstLine - 1) {
            ByteBuffer last = read(records - 1);
            indexedEnd[0] = last.getLong(32);
            indexedEnd[1] = last.getLong(40);
        } else {
            indexedEnd[0] = streams[0].start();
            indexedEnd[1] = streams[1].start();
        }
    }

    /** The index of the first record after which stream s's indexed end passes {@code offset} (records whose
     * ends only grow: a binary search). */
    private long firstRecordEndingAfter(int s, long offset) throws IOException {
        long lo = Math.max(0, firstLine - 1), hi = count;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (read(mid).getLong(32 + 8 * s) > offset) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
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

    /** The named diff cursors kept for this log. */
    public synchronized Cursors cursors() {
        if (cursors == null) {
            cursors = new Cursors(dir.resolve("cursors.json"));
        }
        return cursors;
    }

    /** The first line still kept: lines before it were rotated away. */
    public synchronized long firstLine() {
        return Math.min(firstLine, count + 1);
    }

    /**
     * The rotation cap: a live file that passes {@code maxLiveBytes} is rotated, and {@code maxSegments}
     * rotated segments are kept per stream (0: none), so a stream never holds much more than
     * {@code (maxSegments + 1) * maxLiveBytes} on disk.
     */
    public synchronized void limits(long maxLiveBytes, int maxSegments) {
        this.maxLiveBytes = Math.max(BLOCK, maxLiveBytes);
        this.maxSegments = Math.max(0, maxSegments);
    }

    /**
     * Whether a live file has passed the cap, so the next catch-up should not wait (it rotates once indexed).
     * Without the store's lock: the one watcher thread of every job asks, and must not wait for a catch-up
     * (a rotation may take a while) of this job.
     */
    public boolean overCap() {
        long cap = maxLiveBytes;
        try {
            return Files.size(streams[0].live()) + RECORD * liveLines.get(0) >= cap
                    || Files.size(streams[1].live()) + RECORD * liveLines.get(1) >= cap;
        } catch (IOException e) {
            return false;
        }
    }

    /** What stream s's live part weighs against the cap: its indexed bytes and their lines' index records. */
    private long liveWeight(int s) {
        return indexedEnd[s] - streams[s].base() + RECORD * liveLines.get(s);
    }

    /** Where the full log is: the live files, rotated segments and their sizes (the artifact of a bounded read). */
    public synchronized Map<String, Object> artifact() {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            for (StreamFile f : streams) {
                List<String> rotated = new ArrayList<>();
                for (StreamFile.Segment seg : f.segments()) {
                    rotated.add(f.segmentPath(seg.seq()).toString());
                }
                out.put(f.name(), f.live().toString());
                out.put(f.name() + "_rotated", rotated);
            }
            out.put("size_bytes", streams[0].diskBytes() + streams[1].diskBytes());
        } catch (IOException e) {
            throw IoErrors.of("cannot read the log", dir, e);
        } finally {
            closeFiles();
        }
        return out;
    }

    public void addListener(Consumer<LogLine> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<LogLine> listener) {
        listeners.remove(listener);
    }

    /** Runs {@code wakeup} after each pass that indexed lines; like a listener, it makes indexing immediate. */
    public void addWakeup(Runnable wakeup) {
        wakeups.add(wakeup);
    }

    public void removeWakeup(Runnable wakeup) {
        wakeups.remove(wakeup);
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
        return !listeners.isEmpty() || !wakeups.isEmpty();
    }

    /** Indexes whatever the job wrote since the last call; complete lines only unless {@code flush}. */
    public void catchUp(int incarnation, boolean flush) {
        // In passes of at most PASS_BYTES a stream: a writer far ahead is indexed (and its log rotated, and its
        // notify lines handed on) a few MiB at a time, not in one pass over everything it wrote meanwhile.
        boolean more = true;
        while (more) {
            List<LogLine> added = new ArrayList<>();
            // An error after lines were indexed is told after they are handed on: they are as indexed as any.
            BgrunException failed = null;
            boolean indexed;
            synchronized (this) {
                long before = count;
                try {
                    more = pass(incarnation, flush, added);
                    for (int s = 0; s < 2; s++) {
                        // The indexed part decides: only it can move out, so segments come out about the cap's size.
                        if (liveWeight(s) >= maxLiveBytes) {
                            rotate(s);
                        }
                    }
                } catch (PartialPass stopped) {
                    failed = stopped.error;
                } catch (IOException e) {
                    failed = IoErrors.of("cannot rotate the log", dir, e);
                } finally {
                    closeFiles();
                    indexed = count > before;
                }
            }
            dispatch(added, indexed);
            if (failed != null) {
                throw failed;
            }
        }
    }

    /**
     * One pass over both streams, each batch of records all or nothing: if a batch cannot be written, the store
     * is as after the last batch written (no record, line count or screen line of the rest kept), the lines
     * written are left in {@code added}, and the error is thrown. Returns whether a stream has more to index than
     * one pass takes.
     */
    private boolean pass(int incarnation, boolean flush, List<LogLine> added) throws PartialPass {
        commit();
        try {
            now = Instant.now();
            boolean more = false;
            for (int s = 0; s < 2; s++) {
                long before = indexedEnd[s];
                long linesAtStart = liveLines.get(s);
                added.addAll(indexStream(s, incarnation, flush));
                more |= indexedEnd[s] - before + RECORD * (liveLines.get(s) - linesAtStart) >= passBytes();
            }
            writeBatch();
            return more;
        } catch (IOException e) {
            count = committed.count;
            System.arraycopy(committed.ends, 0, indexedEnd, 0, 2);
            liveLines.set(0, committed.lines[0]);
            liveLines.set(1, committed.lines[1]);
            screen.dropAfter(count);
            added.removeIf(line -> line.number() > count);
            if (batch != null) {
                batch.clear();
            }
            try {
                index().truncate(count * RECORD); // what part of the batch did reach the file (shrinking needs no room)
            } catch (IOException ignored) {
                // the records past count are never read: reads stop at count, and the next pass writes over them
            }
            throw new PartialPass(IoErrors.of("cannot index the log", dir.resolve(INDEX), e));
        }
    }

    /** A pass stopped by an index it could not write; the lines indexed before that are kept and handed on. */
    private static final class PartialPass extends Exception {
        final BgrunException error;

        PartialPass(BgrunException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }

    /** The store as of the last batch of records written, which a failed write goes back to. */
    private record Committed(long count, long[] ends, long[] lines) {
    }

    private Committed committed;

    private void commit() {
        committed = new Committed(count, indexedEnd.clone(), new long[]{liveLines.get(0), liveLines.get(1)});
    }

    /** A pass never indexes more than the cap, so a segment is never much more than the cap either. */
    private long passBytes() {
        return Math.min(PASS_BYTES, maxLiveBytes);
    }

    private void dispatch(List<LogLine> added, boolean indexed) {
        if (indexed) {
            wakeups.forEach(Runnable::run);
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
        StreamFile file = streams[s];
        long size = file.end();
        if (size < indexedEnd[s]) {
            indexedEnd[s] = size; // truncated by someone else: follow from the new end
        }
        int window = READ_WINDOW;
        // A pass is bounded by what it weighs against the cap: bytes and index records.
        long passEnd = indexedEnd[s] + passBytes() + RECORD * liveLines.get(s);
        while (indexedEnd[s] < size && indexedEnd[s] + RECORD * liveLines.get(s) < passEnd) {
            int want = (int) Math.min(size - indexedEnd[s], window);
            if (chunk == null || chunk.capacity() < want) {
                chunk = ByteBuffer.allocate(Math.max(want, FIRST_CHUNK));
            }
            chunk.clear().limit(want);
            file.read(indexedEnd[s], chunk);
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
        if (batch == null) {
            batch = ByteBuffer.allocate(RECORD * FIRST_BATCH_RECORDS);
        }
        if (batch.remaining() < RECORD && batch.capacity() < RECORD * BATCH_RECORDS) {
            batch = ByteBuffer.allocate(batch.capacity() * 2).put(batch.flip()); // grown, nothing written yet
        }
        if (batch.remaining() < RECORD) {
            // Before this line moves the indexed end: the batch's commit must not count a line it holds no record of.
            writeBatch();
        }
        long offset = indexedEnd[s];
        indexedEnd[s] += consumed;
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
        liveLines.incrementAndGet(s);
        screen.add(count, s, now.toEpochMilli(), incarnation, bytes, start, length);
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
            at += index().write(batch, at);
        }
        batch.clear();
        commit();
    }

    /** The last {@code n} lines. */
    public synchronized List<LogLine> tail(int n) {
        long from = Math.max(firstLine(), count - n + 1);
        return range(from, n);
    }

    /** Up to {@code max} lines starting at line number {@code from} (or the first line kept, if later). */
    public synchronized List<LogLine> range(long from, int max) {
        try {
            List<LogLine> lines = new ArrayList<>();
            long bad = read(from, max, lines);
            if (bad >= 0) {
                // A record that cannot be right (zeros where a write never landed): the index from there is
                // rebuilt from the log files, and the lines read again.
                rebuildFrom(bad);
                lines.clear();
                if (read(from, max, lines) >= 0) {
                    throw new BgrunException(ErrorType.IoError, "the line index " + dir.resolve(INDEX)
                            + " is inconsistent with the log files even after rebuilding it", "remove the job and run it again",
                            Map.of("file", dir.resolve(INDEX).toString()), null);
                }
            }
            return lines;
        } catch (IOException e) {
            throw IoErrors.of("cannot read the log", dir, e);
        } finally {
            closeFiles();
        }
    }

    /** Reads lines [from, from+max) into {@code lines}; returns the index of the first invalid record met, or -1. */
    private long read(long from, int max, List<LogLine> lines) throws IOException {
        long first = Math.max(from, firstLine());
        long last = Math.min(count, first + Math.max(0, max) - 1);
        if (first > last) {
            return -1;
        }
        Window[] windows = {new Window(streams[0]), new Window(streams[1])};
        ByteBuffer records = ByteBuffer.allocate((int) Math.min(last - first + 1, 4096) * RECORD);
        for (long block = first; block <= last; block += records.capacity() / RECORD) {
            int n = (int) Math.min(last - block + 1, records.capacity() / RECORD);
            records.clear().limit(n * RECORD);
            while (records.hasRemaining() && index().read(records, (block - 1) * RECORD + records.position()) > 0) {
                // a short read: keep reading
            }
            if (records.hasRemaining()) {
                return block - 1 + records.position() / RECORD; // the file ends before the count says
            }
            for (int i = 0; i < n; i++) {
                int at = i * RECORD;
                if (!valid(records, at)) {
                    return block - 1 + i;
                }
                int s = records.get(at + 24);
                lines.add(new LogLine(block + i, STREAMS[s], Instant.ofEpochMilli(records.getLong(at)),
                        records.getInt(at + 20), windows[s].text(records.getLong(at + 8), records.getInt(at + 16))));
            }
        }
        return -1;
    }

    /** Whether the record at {@code at} can be one this store wrote (a never-written one reads as zeros). */
    private static boolean valid(ByteBuffer records, int at) {
        int s = records.get(at + 24);
        long time = records.getLong(at);
        long offset = records.getLong(at + 8);
        int length = records.getInt(at + 16);
        return time > 0 && (s == 0 || s == 1) && length >= 0 && length <= MAX_LINE && offset >= 0
                && offset + length <= records.getLong(at + 32 + 8 * s);
    }

    /** The index of the last valid record (searching back from the end), or firstLine - 2 if none is. */
    private long lastValid() throws IOException {
        long stop = Math.max(0, firstLine - 1);
        for (long i = count - 1; i >= stop; i--) {
            if (valid(read(i), 0)) {
                return i;
            }
        }
        return stop - 1;
    }

    /** Forgets records [record, count): the lines they held are indexed again from the log files. */
    private void dropFrom(long record) throws IOException {
        count = Math.max(record, 0);
        index().truncate(count * RECORD);
        screen.dropAfter(count);
        ends(count);
    }

    /**
     * Rebuilds the index from record {@code record} on, from the log files: the same lines get the same numbers
     * (one pass of the indexer again, which nobody hears of as new), with the incarnation of the record before.
     */
    private void rebuildFrom(long record) throws IOException {
        long keep = Math.max(record, firstLine - 1);
        int incarnation = keep > 0 ? read(keep - 1).getInt(20) : 1;
        dropFrom(keep);
        List<LogLine> ignored = new ArrayList<>();
        try {
            while (pass(Math.max(1, incarnation), false, ignored)) {
                ignored.clear();
            }
        } catch (PartialPass stopped) {
            throw stopped.error; // the index holds what could be written; the next catch-up goes on from there
        }
    }

    /**
     * The number of the first line written at or after {@code time} ({@code lineCount() + 1} if none): a
     * binary search over the index, whose times never go back.
     */
    public synchronized long firstLineAtOrAfter(Instant time) {
        long lo = firstLine(), hi = count + 1;
        try {
            while (lo < hi) {
                long mid = (lo + hi) >>> 1;
                if (read(mid - 1).getLong(0) < time.toEpochMilli()) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
        } catch (IOException e) {
            throw IoErrors.of("cannot read the log index", dir.resolve(INDEX), e);
        } finally {
            closeFiles();
        }
        return lo;
    }

    /** The last {@code n} lines from memory (no disk read while the job's recent output is there). */
    public synchronized List<LogLine> screen(int n) {
        if (screenInMemory(n)) {
            return screen.last(n);
        }
        return tail(n); // after a daemon restart or a release: from disk, once
    }

    /** Whether {@link #screen} answers from memory. */
    public synchronized boolean screenInMemory(int n) {
        return screen.size() >= Math.min(n, count - firstLine() + 1);
    }

    /**
     * Drops what the store holds in memory only to be quick (the job ended a while ago): the screen, the read
     * and record buffers, the diff cursors (kept on disk) and its paths. Every read still works, from disk, and
     * what it needs is made again; a daemon keeps a store for every job it knows.
     */
    public synchronized void release() {
        screen.release();
        chunk = null;
        batch = null; // empty between operations: each catch-up writes what it recorded
        committed = null; // made again at the start of each pass
        cursors = null;
        for (StreamFile f : streams) {
            f.release();
        }
    }

    /**
     * A forward-moving read buffer over one stream: consecutive lines of a stream sit next to each other, so
     * a range of lines costs a few large reads, not two system calls a line.
     */
    private static final class Window {
        private static final int SIZE = 256 * 1024;
        private final StreamFile file;
        private ByteBuffer buffer;
        private long start = -1;

        Window(StreamFile file) {
            this.file = file;
        }

        String text(long offset, int length) throws IOException {
            if (start < 0 || offset < start || offset + length > start + buffer.limit()) {
                if (buffer == null || buffer.capacity() < length) {
                    buffer = ByteBuffer.allocate(Math.max(SIZE, length));
                }
                buffer.clear();
                file.read(offset, buffer);
                buffer.flip();
                start = offset;
            }
            int from = (int) (offset - start);
            return LogStore.text(buffer.array(), from, Math.max(0, Math.min(length, buffer.limit() - from)));
        }
    }

    private ByteBuffer read(long recordIndex) throws IOException {
        ByteBuffer r = ByteBuffer.allocate(RECORD);
        index().read(r, recordIndex * RECORD);
        return r;
    }

    /** The index, opened for the operation under way; {@link #closeFiles} closes it when the operation ends. */
    private FileChannel index() throws IOException {
        if (index == null) {
            index = FileChannel.open(dir.resolve(INDEX), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }
        return index;
    }

    /** Closes every file the operation opened: between operations the store holds none. */
    private void closeFiles() {
        try {
            if (index != null) {
                index.close();
            }
        } catch (IOException ignored) {
            // a read-mostly channel: nothing was left unwritten
        } finally {
            index = null;
        }
        for (StreamFile f : streams) {
            try {
                f.close();
            } catch (IOException ignored) {
                // read-only channels
            }
        }
    }

    private static String text(byte[] bytes, int start, int length) {
        int end = start + length;
        if (end > start && bytes[end - 1] == '\r') {
            end--;
        }
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    /** Moves stream s's indexed head into a new segment, drops segments beyond the cap, records it all. */
    private void rotate(int s) throws IOException {
        StreamFile file = streams[s];
        long length = (indexedEnd[s] - file.base()) / BLOCK * BLOCK;
        if (length <= 0) {
            return; // nothing indexed yet to move out (a line longer than the cap is still being read)
        }
        long seq = nextSegment++;
        long baseBefore = file.base();
        try {
            file.copyHead(seq, length);
            // Recorded first: a daemon killed between the cut and the record can tell which happened (restoreRotation).
            writeRotation(Json.object("stream", file.name(), "seq", seq, "length", length, "size_before", file.liveSize()));
            file.cutHead(seq, length);
        } catch (IOException e) {
            if (file.segments().stream().noneMatch(seg -> seg.seq() == seq)) { // not cut: the live file is whole
                Files.deleteIfExists(file.segmentPath(seq));
                try {
                    writeRotation(null);
                } catch (IOException again) {
                    // the pending record stays; the next open finds the live file uncut and drops the copy
                }
            }
            throw e;
        }
        // The lines that stay live keep their share of the index records (by bytes: the cut is not at a line).
        long indexed = indexedEnd[s] - baseBefore;
        long remaining = Math.max(0, indexedEnd[s] - file.base());
        liveLines.set(s, indexed <= 0 ? 0 : (liveLines.get(s) * remaining + indexed - 1) / indexed);
        file.dropBeyond(maxSegments);
        advanceFirstLine();
        writeRotation(null);
    }

    /**
     * Moves {@link #firstLine} past every line with bytes rotated away: the first line n such that, for each
     * stream, what was indexed before n ends at or after that stream's start (each record holds both ends,
     * which only grow, so this is a binary search). The index records before it are freed.
     */
    private void advanceFirstLine() throws IOException {
        long lo = firstLine, hi = count + 1;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            boolean kept = true;
            if (mid > 1) {
                ByteBuffer before = read(mid - 2);
                kept = before.getLong(32) >= streams[0].start() && before.getLong(40) >= streams[1].start();
            } else {
                kept = streams[0].start() == 0 && streams[1].start() == 0;
            }
            if (kept) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        long freedBefore = (firstLine - 2) * RECORD / BLOCK * BLOCK;
        firstLine = lo;
        // Keep the record before the first line (its ends are read above); free whole blocks before it.
        long freeTo = Math.max(0, (firstLine - 2) * RECORD / BLOCK * BLOCK);
        if (freeTo > Math.max(0, freedBefore)) {
            FileSpace.punchHole(dir.resolve(INDEX), 0, freeTo);
        }
    }

    private void writeRotation(Map<String, Object> pending) throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("first_line", firstLine);
        state.put("next_segment", nextSegment);
        for (StreamFile f : streams) {
            List<List<Long>> segments = new ArrayList<>();
            for (StreamFile.Segment seg : f.segments()) {
                segments.add(List.of(seg.seq(), seg.start(), seg.end()));
            }
            state.put(f.name(), Json.object("base", f.base(), "segments", segments));
        }
        state.put("pending", pending);
        Path tmp = dir.resolve(ROTATION + ".tmp");
        Files.writeString(tmp, Json.write(state));
        Files.move(tmp, dir.resolve(ROTATION), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @SuppressWarnings("unchecked")
    private void restoreRotation() throws IOException {
        Path path = dir.resolve(ROTATION);
        if (!Files.exists(path)) {
            return;
        }
        Map<String, Object> state = Json.readObject(Files.readString(path));
        firstLine = ((Number) state.get("first_line")).longValue();
        nextSegment = ((Number) state.get("next_segment")).longValue();
        for (StreamFile f : streams) {
            Map<String, Object> st = (Map<String, Object>) state.get(f.name());
            List<StreamFile.Segment> segments = new ArrayList<>();
            for (List<Number> seg : (List<List<Number>>) st.get("segments")) {
                segments.add(new StreamFile.Segment(seg.get(0).longValue(), seg.get(1).longValue(), seg.get(2).longValue()));
            }
            f.restore(((Number) st.get("base")).longValue(), segments);
        }
        Map<String, Object> pending = (Map<String, Object>) state.get("pending");
        if (pending == null) {
            return;
        }
        // The daemon died during a rotation: the cut happened if the live file shrank, or if its bytes where
        // the cut ended no longer match the copy (the job may have written more since, so size alone can't tell).
        StreamFile file = streams[pending.get("stream").equals("stderr") ? 1 : 0];
        long seq = ((Number) pending.get("seq")).longValue();
        long length = ((Number) pending.get("length")).longValue();
        long sizeBefore = ((Number) pending.get("size_before")).longValue();
        boolean cut = file.liveSize() < sizeBefore || !file.liveMatchesSegment(seq, Math.max(0, length - BLOCK), length);
        if (cut) {
            file.applyCut(seq, Files.size(file.segmentPath(seq))); // a copy-and-truncate cut copied the whole file
            file.dropBeyond(maxSegments);
        } else {
            Files.deleteIfExists(file.segmentPath(seq));
        }
        advanceFirstLine();
        writeRotation(null);
    }

    @Override
    public synchronized void close() {
        closeFiles();
    }
}
