package dev.bgrun.orchestrator.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last lines a job wrote, in memory ({@code screen}): answered without touching the disk, so an agent can
 * poll it cheaply. Slots are reused, so a busy job costs one copy per line and no garbage; a line is kept up
 * to {@link #MAX_BYTES}.
 *
 * <p>The slots are made on the first line and grow by doubling up to {@link #CAPACITY}, and are dropped on
 * {@link #release}: a daemon knows thousands of jobs that write nothing or have ended, and 200 empty slots
 * cost about 6 KiB a job (a quarter of the daemon's heap at 4,000 jobs).
 */
final class ScreenBuffer {
    static final int CAPACITY = 200;
    static final int MAX_BYTES = 4096;
    private static final int FIRST_CAPACITY = 8;
    private static final String[] STREAMS = {"stdout", "stderr"};

    private byte[][] bytes;
    private int[] lengths;
    private long[] numbers;
    private long[] times;
    private int[] incarnations;
    private byte[] streams;
    private int size;
    /** The slot the next line goes to; below CAPACITY slots the ring has never wrapped, so it equals size. */
    private int next;

    void add(long number, int stream, long time, int incarnation, byte[] src, int start, int length) {
        makeRoom();
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
        next = (next + 1) % bytes.length;
        size = Math.min(size + 1, bytes.length);
    }

    /** Makes the slots on the first line, and doubles them when they are full and fewer than CAPACITY. */
    private void makeRoom() {
        if (bytes == null) {
            allocate(FIRST_CAPACITY);
        } else if (size == bytes.length && bytes.length < CAPACITY) {
            allocate(Math.min(bytes.length * 2, CAPACITY));
            next = size; // not wrapped yet: the lines are in slots 0..size-1, oldest first
        }
    }

    private void allocate(int capacity) {
        bytes = bytes == null ? new byte[capacity][] : Arrays.copyOf(bytes, capacity);
        lengths = lengths == null ? new int[capacity] : Arrays.copyOf(lengths, capacity);
        numbers = numbers == null ? new long[capacity] : Arrays.copyOf(numbers, capacity);
        times = times == null ? new long[capacity] : Arrays.copyOf(times, capacity);
        incarnations = incarnations == null ? new int[capacity] : Arrays.copyOf(incarnations, capacity);
        streams = streams == null ? new byte[capacity] : Arrays.copyOf(streams, capacity);
    }

    /** The last {@code n} lines, oldest first. */
    List<LogLine> last(int n) {
        int count = Math.min(n, size);
        List<LogLine> lines = new ArrayList<>(count);
        for (int i = count; i > 0; i--) {
            int at = Math.floorMod(next - i, bytes.length);
            lines.add(new LogLine(numbers[at], STREAMS[streams[at]], Instant.ofEpochMilli(times[at]), incarnations[at],
                    new String(bytes[at], 0, lengths[at], StandardCharsets.UTF_8)));
        }
        return lines;
    }

    int size() {
        return size;
    }

    /** Slots held (for tests): 0 before the first line and after a release. */
    int capacity() {
        return bytes == null ? 0 : bytes.length;
    }

    /** Forgets the lines numbered after {@code last} (a catch-up that could not be written is undone). */
    void dropAfter(long last) {
        while (size > 0 && numbers[Math.floorMod(next - 1, bytes.length)] > last) {
            next = Math.floorMod(next - 1, bytes.length);
            size--;
        }
    }

    /** Frees the memory (shortly after the job ended); the lines are still in the log on disk. */
    void release() {
        bytes = null;
        lengths = null;
        numbers = null;
        times = null;
        incarnations = null;
        streams = null;
        size = 0;
        next = 0;
    }
}
