package dev.bgrun.orchestrator.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines a job wrote, in memory ({@code screen}): answered without touching the disk, so an agent can
 * poll it cheaply. Slots are reused, so a busy job costs one copy per line and no garbage; a line is kept up
 * to {@link #MAX_BYTES}.
 */
final class ScreenBuffer {
    static final int CAPACITY = 200;
    static final int MAX_BYTES = 4096;
    private static final String[] STREAMS = {"stdout", "stderr"};

    private final byte[][] bytes = new byte[CAPACITY][];
    private final int[] lengths = new int[CAPACITY];
    private final long[] numbers = new long[CAPACITY];
    private final long[] times = new long[CAPACITY];
    private final int[] incarnations = new int[CAPACITY];
    private final byte[] streams = new byte[CAPACITY];
    private int size;
    private int next;

    void add(long number, int stream, long time, int incarnation, byte[] src, int start, int length) {
        int n = Math.min(length, MAX_BYTES);
        if (n > 0 && src[start + n - 1] == '\r') {
            n--;
        }
        byte[] slot = bytes[next];
        if (slot == null || slot.length < n) {
            slot = new byte[Math.max(n, 128)];
            bytes[next] = slot;
        }
        System.arraycopy(src, start, slot, 0, n);
        lengths[next] = n;
        numbers[next] = number;
        times[next] = time;
        incarnations[next] = incarnation;
        streams[next] = (byte) stream;
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }

    /** The last {@code n} lines, oldest first. */
    List<LogLine> last(int n) {
        int count = Math.min(n, size);
        List<LogLine> lines = new ArrayList<>(count);
        for (int i = count; i > 0; i--) {
            int at = Math.floorMod(next - i, CAPACITY);
            lines.add(new LogLine(numbers[at], STREAMS[streams[at]], Instant.ofEpochMilli(times[at]), incarnations[at],
                    new String(bytes[at], 0, lengths[at], StandardCharsets.UTF_8)));
        }
        return lines;
    }

    int size() {
        return size;
    }

    /** Forgets the lines numbered after {@code last} (a catch-up that could not be written is undone). */
    void dropAfter(long last) {
        while (size > 0 && numbers[Math.floorMod(next - 1, CAPACITY)] > last) {
            next = Math.floorMod(next - 1, CAPACITY);
            size--;
        }
    }

    /** Frees the memory (shortly after the job ended); the lines are still in the log on disk. */
    void release() {
        java.util.Arrays.fill(bytes, null);
        size = 0;
        next = 0;
    }
}
