package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bgrun.cli.BgrunProcess.Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A private bgrun world for one test: its own BGRUN_HOME, the real CLI as a subprocess, the real daemon it
 * starts. Closing it stops every job, stops the daemon and checks that no process it started is left.
 */
final class Daemon implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path home;
    final Path work;
    /** Job processes seen, by pid, with their kernel start time: a pid alone may name another process later. */
    private final Map<Long, Long> pids = new java.util.concurrent.ConcurrentHashMap<>();

    Daemon(Path tmp) throws IOException {
        // Private, as bgrun requires of a state root it did not create itself.
        this.home = Files.createDirectories(tmp.resolve("home"),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        this.work = Files.createDirectories(tmp.resolve("work"));
    }

    Map<String, String> env() {
        return Map.of("BGRUN_HOME", home.toString());
    }

    Result bgrun(String... args) {
        return BgrunProcess.bgrun(work, env(), args);
    }

    /** Runs a command that must succeed and returns its JSON output. */
    JsonNode json(String... args) {
        Result r = bgrun(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a job and remembers its pid for the final check. */
    JsonNode run(String... args) {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        JsonNode job = json(all.toArray(String[]::new));
        remember(job);
        return job;
    }

    /** Runs a command that must succeed and prints NDJSON (such as list); returns its items. */
    List<JsonNode> bgrunLines(String... args) {
        Result r = bgrun(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<JsonNode> items = new ArrayList<>();
        for (String line : r.out().lines().filter(l -> !l.isBlank()).toList()) {
            try {
                items.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return items;
    }

    void remember(JsonNode job) {
        if (job.hasNonNull("pid")) {
            long pid = job.get("pid").asLong();
            long start = startTime(pid);
            if (start >= 0) {
                pids.putIfAbsent(pid, start);
            }
        }
    }

    JsonNode status(String ref) {
        JsonNode job = json("status", ref);
        remember(job);
        return job;
    }

    /** Waits until the job is in the state (generous: CI is a loaded 2-core machine). */
    JsonNode awaitState(String ref, String state) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> status(ref).get("state").asText().equals(state));
        return status(ref);
    }

    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** Field 22 of /proc/PID/stat, or -1 when there is no such process. */
    static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    long daemonPid() {
        return json("daemon", "status").get("pid").asLong();
    }

    @Override
    public void close() {
        try {
            bgrunLines("list").forEach(this::remember); // every job any command started, not only those run directly
            bgrun("stop", "--all");
            JsonNode status = json("daemon", "status");
            bgrun("daemon", "stop");
            if (status.get("running").asBoolean()) {
                long pid = status.get("pid").asLong();
                await().atMost(Duration.ofSeconds(30)).until(() -> !alive(pid));
            }
            pids.forEach((pid, start) -> await("job process " + pid + " is gone").atMost(Duration.ofSeconds(30))
                    .until(() -> !alive(pid) || startTime(pid) != start)); // a reused pid is another process
        } finally {
            ProcessAudit.reap(home); // whatever failed above, no process of this test outlives it
        }
    }
}
