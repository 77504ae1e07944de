package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The state root on a small filesystem (a 48 MiB tmpfs: the daemon keeps a copy of its 13 MB jar there) that
 * a job fills up: its end is reported with the cause, reads answer an IoError that names the disk or right
 * lines (never empty ones, never Internal), and once space is freed the index catches up by itself with every
 * line of the log file. Needs root (mount); skipped, saying so, where the test cannot mount.
 */
class FullDiskIT {
    private static final int WIDTH = 200; // a line is 200 digits and its newline

    @TempDir
    Path tmp;

    private Daemon daemon;
    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        try {
            if (daemon != null) {
                Files.deleteIfExists(daemon.home.resolve("filler")); // room for the stops to be recorded
                daemon.close();
            }
        } finally {
            if (mounted != null) {
                // A process that has just been waited out may still be closing its files there ("target is
                // busy"): try again until the mount is free.
                Result[] last = new Result[1];
                await("umount " + mounted).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> (last[0] = BgrunProcess.run(tmp, java.util.Map.of(), List.of("umount", mounted.toString())))
                                .exitCode() == 0 || !last[0].err().contains("busy"));
                assertThat(last[0].exitCode()).as("umount " + mounted + ": " + last[0]).isZero();
            }
        }
    }

    /** A small disk: room for the daemon's private copy of the jar (13 MB with the MCP SDK) and about 20 MiB more. */
    private void mountSmallDisk(Path dir) {
        Result r = BgrunProcess.run(tmp, java.util.Map.of(), List.of("mount", "-t", "tmpfs", "-o", "size=48m,mode=0700", "tmpfs", dir.toString()));
        Assumptions.assumeTrue(r.exitCode() == 0, "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): " + r.err().strip());
        mounted = dir;
    }

    @Test
    void aJobThatFillsTheDiskIsReportedAndItsLogIsIndexedOnceThereIsRoom() throws IOException {
        daemon = new Daemon(tmp);
        mountSmallDisk(daemon.home);
        Daemon d = daemon;
        d.bgrunLines("list"); // starts the daemon, which puts its files on the disk first
        // Leave about 6 MiB for the job, kept by a filler that the test deletes to free space.
        long free = Files.getFileStore(d.home).getUsableSpace();
        assertThat(free).as("room on the tmpfs after the daemon started").isGreaterThan(10L << 20);
        try (var out = Files.newOutputStream(d.home.resolve("filler"))) {
            byte[] block = new byte[1 << 20];
            for (long left = free - (6L << 20); left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }

        // 250,000 lines of 201 bytes, 50 MB: far more than the disk holds.
        d.run("--name", "big", "seq -f '%0" + WIDTH + "g' 1 250000");
        JsonNode ended = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> d.status("big"), job -> job.get("state").asText().equals("failed"));
        // seq fails on its first write that finds no room; its exit is recorded, or the reason says why it could not be.
        assertThat(ended.get("reason").asText()).as(ended.toString())
                .matches("exited with code 1|the exit status could not be recorded: no space left on device on .*"
                        + mounted + ".*");

        // While the disk is full: an IoError that names the disk, or right lines.
        Result full = d.bgrun("tail", "big", "--lines", "5");
        if (full.exitCode() != 0) {
            JsonNode error = Daemon.JSON.readTree(full.err()).get("error");
            assertThat(error.get("type").asText()).as(full.toString()).isEqualTo("IoError");
            assertThat(error.get("message").asText()).contains("no space left on device").contains(mounted.toString());
        } else {
            assertRightLines(Daemon.JSON.readTree(full.out()));
        }

        Files.delete(d.home.resolve("filler"));
        Path log = d.home.resolve("jobs").resolve(ended.get("id").asText()).resolve("stdout.log");
        byte[] written = Files.readAllBytes(log);
        long lines = 0;
        for (byte b : written) {
            lines += b == '\n' ? 1 : 0;
        }
        long expected = lines + (written.length > 0 && written[written.length - 1] != '\n' ? 1 : 0); // an ended job's last partial line counts
        assertThat(lines).as("lines in the log").isGreaterThan(10_000);
        // No new write comes: the daemon tries again by itself until the index holds every line of the file.
        JsonNode caughtUp = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Result r = d.bgrun("tail", "big", "--lines", "3");
            return r.exitCode() == 0 ? Daemon.JSON.readTree(r.out()) : null;
        }, answer -> answer != null && answer.get("total_lines").asLong() == expected);
        assertRightLines(caughtUp);
        assertThat(caughtUp.get("lines").findValuesAsText("line_number")).contains(Long.toString(lines));

        // Every line, in order, as in the file: none empty, none twice.
        JsonNode all = d.json("tail", "big", "--lines", Long.toString(expected));
        assertRightLines(all);
        assertThat(all.get("lines")).hasSize((int) expected);
        assertThat(all.get("lines").get(0).get("line_number").asLong()).isEqualTo(1);
    }

    /** Consecutive lines, each the number seq wrote with its line number; only the last may be cut short. */
    private static void assertRightLines(JsonNode answer) {
        JsonNode lines = answer.get("lines");
        for (int i = 0; i < lines.size(); i++) {
            long number = lines.get(i).get("line_number").asLong();
            String content = lines.get(i).get("content").asText();
            String full = String.format("%0" + WIDTH + "d", number);
            if (i == lines.size() - 1 && content.length() < WIDTH) {
                assertThat(content).as("the partial last line " + number).isNotEmpty().isEqualTo(full.substring(0, content.length()));
                continue;
            }
            assertThat(content).as("line " + number).isEqualTo(full);
        }
    }
}
