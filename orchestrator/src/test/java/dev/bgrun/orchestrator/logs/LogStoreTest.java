package dev.bgrun.orchestrator.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The index and rotation, against real files written the way a job writes them (appending). */
class LogStoreTest {
    @TempDir
    Path dir;

    private void append(String file, String text) throws IOException {
        Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void rotationKeepsNumbersContinuousAndTheDiskBounded() throws IOException {
        try (LogStore logs = new LogStore(dir)) {
            logs.limits(8192, 2);
            for (int i = 1; i <= 3000; i++) {
                append(i % 10 == 0 ? LogStore.STDERR : LogStore.STDOUT, "line " + i + " " + "x".repeat(i % 40) + "\n");
                // One catch-up per line: within one, stdout's lines are numbered before stderr's.
                logs.catchUp(1, false);
            }
            logs.catchUp(1, false);
            assertThat(logs.lineCount()).isEqualTo(3000);
            assertThat(logs.firstLine()).isGreaterThan(1);
            // Every line still kept reads back as written, across segments and the live file.
            List<LogLine> kept = logs.range(1, Integer.MAX_VALUE);
            assertThat(kept.getFirst().number()).isEqualTo(logs.firstLine());
            for (LogLine line : kept) {
                assertThat(line.text()).startsWith("line " + line.number() + " ");
                assertThat(line.stream()).isEqualTo(line.number() % 10 == 0 ? "stderr" : "stdout");
            }
            assertThat(kept).hasSize((int) (3000 - logs.firstLine() + 1));
            // Live file plus at most 2 segments of about 8 KiB each, per stream.
            assertThat(((Number) logs.artifact().get("size_bytes")).longValue()).isLessThan(2 * 4 * 8192);
            assertThat(Files.size(dir.resolve(LogStore.STDOUT))).isLessThan(8192 + 4096);
        }
        // A new daemon reads the rotation back: same numbers, same text, and indexing goes on from there.
        try (LogStore logs = new LogStore(dir)) {
            long first = logs.firstLine();
            assertThat(logs.tail(1).getFirst().text()).startsWith("line 3000 ");
            assertThat(logs.range(first, 1).getFirst().text()).startsWith("line " + first + " ");
            append(LogStore.STDOUT, "after restart\n");
            logs.catchUp(2, false);
            assertThat(logs.tail(1).getFirst().number()).isEqualTo(3001);
            assertThat(logs.tail(1).getFirst().incarnation()).isEqualTo(2);
        }
    }

    @Test
    void aWriterFarAheadIsRotatedAsItIsIndexedNotAfter() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 100_000; i++) {
            text.append(String.format("%09d %s%n", i, "z".repeat(90))); // 101 bytes a line, about 10 MB in all
        }
        append(LogStore.STDOUT, text.toString());
        try (LogStore logs = new LogStore(dir)) {
            logs.limits(1 << 20, 2);
            logs.catchUp(1, false); // one catch-up for all of it, as after a burst nobody listened to
            assertThat(logs.lineCount()).isEqualTo(100_000);
            try (var segments = Files.list(dir.resolve("rotated"))) {
                for (Path segment : segments.toList()) {
                    assertThat(Files.size(segment)).as(segment.toString()).isLessThanOrEqualTo((1 << 20) + (64 << 10) + 4096); // the cap, one read window, one block
                }
            }
            assertThat(((Number) logs.artifact().get("size_bytes")).longValue()).isLessThan(4L << 20);
            List<LogLine> kept = logs.range(logs.firstLine(), Integer.MAX_VALUE);
            assertThat(kept.getFirst().text()).startsWith(String.format("%09d ", logs.firstLine()));
            assertThat(kept.getLast().text()).startsWith("000100000 ");
        }
    }

    @Test
    void awkwardOutputIsIndexedAsLines() throws IOException {
        try (LogStore logs = new LogStore(dir)) {
            append(LogStore.STDOUT, "crlf\r\n\u001b[31mred\u001b[0m\n");
            Files.write(dir.resolve(LogStore.STDOUT), new byte[]{(byte) 0xff, 0, (byte) 0xfe, '\n'}, StandardOpenOption.APPEND);
            String huge = "y".repeat(LogStore.MAX_LINE + 10); // longer than the cap, no newline
            append(LogStore.STDOUT, huge);
            logs.catchUp(1, false);
            List<LogLine> lines = logs.range(1, 10);
            assertThat(lines.get(0).text()).isEqualTo("crlf");
            assertThat(lines.get(1).text()).isEqualTo("\u001b[31mred\u001b[0m");
            assertThat(lines.get(2).text()).hasSize(3).contains("\u0000");
            // The first MAX_LINE bytes are split off as a line; the rest waits for its newline, then comes whole.
            assertThat(lines.get(3).text()).hasSize(LogStore.MAX_LINE);
            assertThat(logs.lineCount()).isEqualTo(4);
            logs.catchUp(1, true);
            assertThat(logs.tail(1).getFirst().text()).isEqualTo("y".repeat(10));
        }
    }

    @Test
    void timesFindTheirFirstLine() throws IOException {
        try (LogStore logs = new LogStore(dir)) {
            append(LogStore.STDOUT, "a\nb\n");
            logs.catchUp(1, false);
            Instant between = logs.tail(1).getFirst().timestamp().plusMillis(1);
            // The next catch-up happens at a later millisecond than the first lines' timestamp.
            while (!Instant.now().isAfter(between)) {
                Thread.onSpinWait();
            }
            append(LogStore.STDOUT, "c\n");
            logs.catchUp(1, false);
            assertThat(logs.firstLineAtOrAfter(between)).isEqualTo(3);
            assertThat(logs.firstLineAtOrAfter(Instant.EPOCH)).isEqualTo(1);
            assertThat(logs.firstLineAtOrAfter(Instant.now().plusSeconds(60))).isEqualTo(4);
        }
    }

    @Test
    void screenAnswersFromMemoryThenFromDisk() throws IOException {
        try (LogStore logs = new LogStore(dir)) {
            append(LogStore.STDOUT, "one\ntwo\nthree\n");
            logs.catchUp(1, false);
            assertThat(logs.screenInMemory(2)).isTrue();
            assertThat(logs.screen(2)).extracting(LogLine::text).containsExactly("two", "three");
            logs.release();
            assertThat(logs.screenInMemory(2)).isFalse();
            assertThat(logs.screen(2)).extracting(LogLine::text).containsExactly("two", "three");
        }
    }

    @Test
    void aReleasedStoreReadsFromDiskAndIndexesOnAsBefore() throws IOException {
        try (LogStore logs = new LogStore(dir)) {
            logs.limits(8192, 2);
            for (int i = 1; i <= 1000; i++) {
                append(LogStore.STDOUT, "line " + i + " " + "x".repeat(i % 40) + "\n");
                if (i % 50 == 0) {
                    logs.catchUp(1, false);
                }
            }
            logs.cursors().put("agent", 900);
            long first = logs.firstLine();
            assertThat(first).as("rotated").isGreaterThan(1);

            logs.release();

            // Reads: from a rotated segment and from the live file; the cursor from its file.
            assertThat(logs.range(first, 1).getFirst().text()).startsWith("line " + first + " ");
            assertThat(logs.tail(1).getFirst().text()).startsWith("line 1000 ");
            assertThat(logs.screen(1).getFirst().number()).isEqualTo(1000);
            assertThat(logs.cursors().get("agent")).isEqualTo(900);
            // A later writer (a new incarnation) is indexed on from where it was, rotating as before.
            logs.release();
            for (int i = 1001; i <= 2000; i++) {
                append(LogStore.STDOUT, "line " + i + " " + "x".repeat(i % 40) + "\n");
            }
            logs.catchUp(2, false);
            assertThat(logs.lineCount()).isEqualTo(2000);
            assertThat(logs.firstLine()).isGreaterThan(first);
            List<LogLine> kept = logs.range(1, Integer.MAX_VALUE);
            assertThat(kept.getFirst().number()).isEqualTo(logs.firstLine());
            for (LogLine line : kept) {
                assertThat(line.text()).startsWith("line " + line.number() + " ");
            }
            assertThat(logs.tail(1).getFirst().incarnation()).isEqualTo(2);
        }
    }

    @Test
    void theCapCountsTheIndexSoShortLinesRotateSooner() throws IOException {
        // 300,000 lines of one character: 600 KB of log, 14.4 MB of index records. The log alone never passes a
        // 1 MiB cap; with its index it passes it many times, so it rotates and the old lines are dropped.
        append(LogStore.STDOUT, "x\n".repeat(300_000));
        long cap = 1 << 20;
        try (LogStore logs = new LogStore(dir)) {
            logs.limits(cap, 1);
            logs.catchUp(1, false);
            assertThat(logs.lineCount()).isEqualTo(300_000);
            assertThat(logs.firstLine()).as("rotated and dropped").isGreaterThan(1);
            long logBytes = ((Number) logs.artifact().get("size_bytes")).longValue();
            long indexBytes = (logs.lineCount() - logs.firstLine() + 1) * 48; // records kept (those before are freed)
            // The live file and one segment, each about the cap, the index records of their lines included.
            assertThat(logBytes + indexBytes).isLessThanOrEqualTo(2 * cap + (64 << 10) + 2 * 4096 * 49);
            List<LogLine> kept = logs.range(logs.firstLine(), Integer.MAX_VALUE);
            assertThat(kept).hasSize((int) (300_000 - logs.firstLine() + 1)).allMatch(l -> l.text().equals("x"));
        }
    }

    @Test
    void anIndexWithZeroRecordsIsRebuiltFromTheLogs() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 500; i++) {
            text.append("line ").append(i).append('\n');
        }
        append(LogStore.STDOUT, text.toString());
        try (LogStore logs = new LogStore(dir)) {
            logs.catchUp(1, false);
        }
        // Records 86 to 238 zeroed, as a write that never landed leaves them, and 20 zero records past the end.
        try (var index = java.nio.channels.FileChannel.open(dir.resolve(LogStore.INDEX), StandardOpenOption.WRITE)) {
            index.write(java.nio.ByteBuffer.allocate((238 - 86 + 1) * 48), 85 * 48);
            index.write(java.nio.ByteBuffer.allocate(20 * 48), 500 * 48);
        }
        try (LogStore logs = new LogStore(dir)) {
            assertThat(logs.lineCount()).as("the zeros at the end are dropped when the index is opened").isEqualTo(500);
            List<LogLine> lines = logs.range(1, 1000);
            assertThat(lines).hasSize(500);
            for (LogLine line : lines) {
                assertThat(line.text()).isEqualTo("line " + line.number());
                assertThat(line.incarnation()).isEqualTo(1);
            }
            append(LogStore.STDOUT, "line 501\n");
            logs.catchUp(1, false);
            assertThat(logs.tail(1).getFirst().text()).isEqualTo("line 501");
            assertThat(logs.tail(1).getFirst().number()).isEqualTo(501);
        }
    }
}
