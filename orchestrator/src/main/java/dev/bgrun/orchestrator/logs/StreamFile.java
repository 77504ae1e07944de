package dev.bgrun.orchestrator.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One output stream of a job (stdout or stderr): the live file the job appends to, and the rotated segments
 * cut from its head. Offsets are logical: they count every byte the stream ever wrote, so an index record
 * keeps pointing at its line after any number of rotations; {@code base} is the logical offset of the live
 * file's first byte.
 */
final class StreamFile implements AutoCloseable {
    /** A rotated piece of the stream: logical bytes [start, end) in {@code rotated/NAME.SEQ.log}. */
    record Segment(long seq, long start, long end) {
    }

    private final Path dir;
    private final String name;
    private final String fileName;
    /** Made when first needed and dropped by {@link #release}: a daemon keeps a stream for every job it knows. */
    private Path live;
    private long base;
    private final List<Segment> segments = new ArrayList<>();
    /** Open segment files, during an operation only; made on the first (a rotated log being read). */
    private Map<Long, FileChannel> open;
    private FileChannel liveChannel;

    StreamFile(Path dir, String name, String fileName) {
        this.dir = dir;
        this.name = name;
        this.fileName = fileName;
    }

    String name() {
        return name;
    }

    Path live() {
        Path p = live;
        if (p == null) {
            p = dir.resolve(fileName);
            live = p;
        }
        return p;
    }

    /** Drops what is made again when needed (the store is idle: its files are closed). */
    void release() {
        live = null;
        if (open != null && open.isEmpty()) {
            open = null;
        }
    }

    long base() {
        return base;
    }

    List<Segment> segments() {
        return segments;
    }

    void restore(long base, List<Segment> segments) {
        this.base = base;
        this.segments.clear();
        this.segments.addAll(segments);
    }

    Path segmentPath(long seq) {
        return dir.resolve("rotated").resolve(name + "." + seq + ".log");
    }

    /** The logical offset of the first byte still kept. */
    long start() {
        return segments.isEmpty() ? base : segments.getFirst().start();
    }

    /** The logical offset just past the last byte written. */
    long end() throws IOException {
        return base + liveChannel().size();
    }

    long liveSize() throws IOException {
        return liveChannel().size();
    }

    /** Bytes kept on disk: the live file and every segment. */
    long diskBytes() throws IOException {
        long total = liveSize();
        for (Segment s : segments) {
            total += s.end() - s.start();
        }
        return total;
    }

    /** Reads from a logical offset into dst until it is full, the stream ends, or the bytes are gone. */
    int read(long offset, ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n;
            if (offset >= base) {
                n = liveChannel().read(dst, offset - base);
            } else {
                Segment segment = find(offset);
                if (segment == null) {
                    break; // rotated away
                }
                int limit = dst.limit();
                dst.limit((int) Math.min(limit, dst.position() + (segment.end() - offset)));
                n = segment(segment).read(dst, offset - segment.start());
                dst.limit(limit);
            }
            if (n <= 0) {
                break;
            }
            offset += n;
            total += n;
        }
        return total;
    }

    private Segment find(long offset) {
        for (Segment s : segments) {
            if (offset >= s.start() && offset < s.end()) {
                return s;
            }
        }
        return null;
    }

    /** Copies the live file's first {@code length} bytes into a new segment file (not yet cut from the live file). */
    void copyHead(long seq, long length) throws IOException {
        Path target = segmentPath(seq);
        Files.createDirectories(target.getParent());
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < length) {
                done += liveChannel().transferTo(done, length - done, out);
            }
        }
    }

    /**
     * Cuts the head copied by {@link #copyHead} out of the live file. Where the filesystem cannot collapse a
     * range, the whole live file is copied and truncated instead; what the job writes between that copy and
     * the truncation is lost, and the documentation says so.
     */
    void cutHead(long seq, long length) throws IOException {
        if (FileSpace.collapseHead(live(), length)) {
            segments.add(new Segment(seq, base, base + length));
            base += length;
            return;
        }
        long size = liveSize();
        copyHead(seq, size);
        liveChannel().close();
        liveChannel = null;
        try (FileChannel writer = FileChannel.open(live(), StandardOpenOption.WRITE)) {
            writer.truncate(0);
        }
        segments.add(new Segment(seq, base, base + size));
        base += size;
    }

    /** Applies a cut found done on disk (after a crash between the cut and the record of it). */
    void applyCut(long seq, long length) {
        segments.add(new Segment(seq, base, base + length));
        base += length;
    }

    /** Drops the oldest segments beyond {@code keep}; returns the new start. */
    long dropBeyond(int keep) throws IOException {
        Iterator<Segment> it = segments.iterator();
        int excess = segments.size() - keep;
        while (excess-- > 0 && it.hasNext()) {
            Segment s = it.next();
            FileChannel ch = open == null ? null : open.remove(s.seq());
            if (ch != null) {
                ch.close();
            }
            Files.deleteIfExists(segmentPath(s.seq()));
            it.remove();
        }
        return start();
    }

    /** Whether the live file's bytes [from, to) equal the segment's bytes at the same logical place. */
    boolean liveMatchesSegment(long seq, long from, long to) throws IOException {
        Path path = segmentPath(seq);
        if (!Files.exists(path) || liveSize() < to) {
            return false;
        }
        ByteBuffer a = ByteBuffer.allocate((int) (to - from));
        ByteBuffer b = ByteBuffer.allocate((int) (to - from));
        liveChannel().read(a, from);
        try (FileChannel s = FileChannel.open(path, StandardOpenOption.READ)) {
            s.read(b, from);
        }
        return a.flip().equals(b.flip());
    }

    private FileChannel segment(Segment s) throws IOException {
        if (open == null) {
            open = new HashMap<>();
        }
        FileChannel ch = open.get(s.seq());
        if (ch == null) {
            ch = FileChannel.open(segmentPath(s.seq()), StandardOpenOption.READ);
            open.put(s.seq(), ch);
        }
        return ch;
    }

    private FileChannel liveChannel() throws IOException {
        if (liveChannel == null) {
            liveChannel = FileChannel.open(live(), StandardOpenOption.READ);
        }
        return liveChannel;
    }

    /** Removes the segments and the live file from disk. */
    void deleteFiles() throws IOException {
        close();
        for (Segment s : segments) {
            Files.deleteIfExists(segmentPath(s.seq()));
        }
    }

    @Override
    public void close() throws IOException {
        if (liveChannel != null) {
            liveChannel.close();
            liveChannel = null;
        }
        if (open != null) {
            for (FileChannel ch : open.values()) {
                ch.close();
            }
            open.clear();
        }
    }
}
