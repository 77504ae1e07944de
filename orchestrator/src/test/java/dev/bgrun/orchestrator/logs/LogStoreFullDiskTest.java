package dev.bgrun.orchestrator.logs;

import dev.bgrun.orchestrator.error.BgrunException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The index on a real, small filesystem (a 1 MiB tmpfs) that fills up in the middle of a catch-up: the
 * batches written stay, the one that could not be written is undone whole, and once there is room again the
 * next catch-up indexes every remaining line, none lost and none twice. Needs root (mount); skipped, saying
 * so, where the test cannot mount.
 */
class LogStoreFullDiskTest {
    private static final int LINES = 3000; // about three batches of 1,024 records (48 KiB each)

    @TempDir
    Path tmp;

    private Path disk;

    @BeforeEach
    void mount() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(p.exitValue() == 0, "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): " + out.strip());
        disk = dir;
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            Process p = new ProcessBuilder("umount", disk.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("umount " + disk + ": " + out).isZero();
        }
    }

    @Test
    void aBatchUndoneByAFullDiskLosesNoLine() throws IOException {
        Path dir = disk.resolve("job");
        try (LogStore logs = new LogStore(dir)) {
            StringBuilder text = new StringBuilder();
            for (int i = 1; i <= LINES; i++) {
                text.append(String.format("%06d%n", i));
            }
            Files.writeString(dir.resolve(LogStore.STDOUT), text);
            // Room for the first batch of records (48 KiB) and not the second: the disk fills mid-pass.
            Path filler = disk.resolve("filler");
            long free = Files.getFileStore(disk).getUsableSpace();
            try (OutputStream out = Files.newOutputStream(filler)) {
                out.write(new byte[(int) (free - 64 * 1024)]);
            }

            assertThatThrownBy(() -> logs.catchUp(1, false)).isInstanceOf(BgrunException.class)
                    .hasMessageContaining("no space left on device");
            long kept = logs.lineCount();
            assertThat(kept).as("whole batches only").isLessThan(LINES).isEqualTo(kept / 1024 * 1024);
            assertRightLines(logs.range(1, LINES), kept);

            Files.delete(filler);
            logs.catchUp(1, false);
            assertThat(logs.lineCount()).isEqualTo(LINES);
            assertRightLines(logs.range(1, LINES), LINES);
        }
        // A new store (a restarted daemon) reads the same lines back.
        try (LogStore logs = new LogStore(dir)) {
            assertRightLines(logs.range(1, LINES), LINES);
        }
    }

    private static void assertRightLines(List<LogLine> lines, long expected) {
        assertThat(lines).hasSize((int) expected);
        for (LogLine line : lines) {
            assertThat(line.text()).as("line " + line.number()).isEqualTo(String.format("%06d", line.number()));
        }
    }
}
