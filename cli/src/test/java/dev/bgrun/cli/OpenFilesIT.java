package dev.bgrun.cli;

import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The daemon's open files do not grow with the jobs it knows: an ended job holds none, a live one at most two
 * (the target is at most 64 + 2 per live job), counted in {@code /proc/PID/fd} of the real daemon.
 */
class OpenFilesIT {
    private static final int ENDED = 200;
    private static final int LIVE = 20;

    @TempDir
    Path tmp;

    @Test
    void endedJobsHoldNoOpenFileAndLiveOnesAtMostTwo() throws IOException {
        try (Daemon d = new Daemon(tmp)) {
            Path ended = project("ended", ENDED, "echo hello; echo to stderr >&2");
            Path live = project("live", LIVE, "echo up; exec sleep 300");
            d.bgrunLines("list"); // starts the daemon
            long pid = d.daemonPid();

            run(d, ended);
            await("every job ended").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> d.bgrunLines("list", "--workspace", "ended").stream()
                            .filter(j -> j.get("state").asText().equals("exited")).count() == ENDED);
            // Reads open the log files; they must be closed again when the read is done.
            for (int i = 1; i <= 5; i++) {
                d.json("tail", "ended/e" + i);
            }
            int afterEnded = openFiles(pid);
            System.out.printf("[open files] daemon %d: %d open files with %d ended jobs%n", pid, afterEnded, ENDED);
            assertThat(afterEnded).as("open files with %d ended jobs and none live", ENDED).isLessThanOrEqualTo(64);

            run(d, live);
            await("every live job up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> d.bgrunLines("list", "--workspace", "live").stream()
                            .filter(j -> j.get("state").asText().equals("ready")).count() == LIVE);
            d.bgrunLines("list", "--workspace", "live").forEach(d::remember);
            for (int i = 1; i <= 5; i++) {
                d.json("tail", "live/l" + i);
            }
            int withLive = openFiles(pid);
            System.out.printf("[open files] daemon %d: %d open files with %d ended and %d live jobs%n", pid, withLive, ENDED, LIVE);
            assertThat(withLive).as("open files with %d live jobs", LIVE).isLessThanOrEqualTo(64 + 2 * LIVE);
            assertThat(withLive - afterEnded).as("open files added by %d live jobs", LIVE).isLessThanOrEqualTo(2 * LIVE);
        }
    }

    private Path project(String workspace, int jobs, String cmd) throws IOException {
        StringBuilder toml = new StringBuilder("workspace = \"" + workspace + "\"\n");
        for (int i = 1; i <= jobs; i++) {
            toml.append("[jobs.%s%d]\ncmd = \"%s\"\n".formatted(workspace.charAt(0), i, cmd));
        }
        return BgrunProcess.project(Files.createDirectories(tmp.resolve(workspace)), toml.toString());
    }

    private static void run(Daemon d, Path projectFile) {
        Result r = d.bgrun("-f", projectFile.resolve("bgrun.toml").toString(), "run-group", "--detach");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    /** The open descriptors of a process, from /proc/PID/fd. */
    static int openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }
}
