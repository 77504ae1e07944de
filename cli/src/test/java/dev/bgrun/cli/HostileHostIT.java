package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Hosts that real machines are: a daemon with a low file limit and more jobs than descriptors, a uid with no
 * passwd entry (containers started with --user), a BGRUN_HOME that is a shared directory.
 */
class HostileHostIT {
    private static final int FILE_LIMIT = 256;
    private static final int JOBS = 300;

    @TempDir
    Path tmp;

    /**
     * With a hard limit of 256 files and 300 live jobs the daemon keeps serving: every job runs and its end is
     * heard (pidfds beyond the budget are replaced by /proc checks), clients are answered, doctor reports the
     * limit and the use; and a client past the limit is told ResourceExhausted, not left hanging, not refused
     * as another user.
     */
    @Test
    void aLowFileLimitLeavesTheDaemonServing() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            Result first = BgrunProcess.run(d.work, d.env(), List.of("prlimit", "--nofile=" + FILE_LIMIT + ":" + FILE_LIMIT, "--",
                    BgrunProcess.JAVA, "-jar", BgrunProcess.JAR.toString(), "list"));
            assertThat(first.exitCode()).as(first.toString()).isZero();
            JsonNode status = d.json("daemon", "status");
            long daemon = status.get("pid").asLong();
            assertThat(status.get("file_limit").asLong()).isEqualTo(FILE_LIMIT);

            StringBuilder toml = new StringBuilder("workspace = \"many\"\n");
            for (int i = 1; i <= JOBS; i++) {
                toml.append("[jobs.j%d]\ncmd = \"exec sleep 600\"\n".formatted(i));
            }
            Path project = BgrunProcess.project(Files.createDirectories(tmp.resolve("many")), toml.toString());
            Result group = d.bgrun("-f", project.resolve("bgrun.toml").toString(), "run-group", "--detach");
            assertThat(group.exitCode()).as(group.toString()).isZero();
            await("all " + JOBS + " jobs running").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> d.bgrunLines("list", "--workspace", "many").stream()
                            .filter(j -> j.get("state").asText().equals("ready")).count() == JOBS);
            List<JsonNode> jobs = d.bgrunLines("list", "--workspace", "many");
            jobs.forEach(d::remember);

            status = d.json("daemon", "status");
            assertThat(status.get("open_files").asLong()).as("open files").isLessThan(FILE_LIMIT);
            assertThat(status.get("exits_watched_by_pidfd").asLong()).as("pidfds within the budget")
                    .isLessThanOrEqualTo(FILE_LIMIT - 128);
            assertThat(status.get("threads").asInt()).as("threads do not grow with jobs").isLessThanOrEqualTo(64);

            // Ends are heard for jobs watched either way: kill 20 of them behind bgrun's back.
            List<JsonNode> victims = new ArrayList<>();
            for (int i = 0; i < JOBS; i += JOBS / 20) {
                victims.add(jobs.get(i));
            }
            for (JsonNode v : victims) {
                new ProcessBuilder("kill", "-9", v.get("pid").asText()).start().waitFor();
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            victims.forEach(v -> names.add(v.get("name").asText()));
            await("the ends of " + names + " are heard").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> d.bgrunLines("list", "--workspace", "many").stream()
                            .filter(j -> names.contains(j.get("name").asText()) && j.get("state").asText().equals("failed"))
                            .count() == names.size());

            // Doctor reports the limit and the use.
            JsonNode report = d.json("doctor");
            JsonNode resources = null;
            for (JsonNode check : report.get("checks")) {
                if (check.get("name").asText().equals("resources")) {
                    resources = check;
                }
            }
            assertThat(resources).as(report.toString()).isNotNull();
            assertThat(resources.get("facts").get("file_limit").asLong()).isEqualTo(FILE_LIMIT);
            assertThat(resources.get("facts").get("open_files").asLong()).isPositive();
            assertThat(resources.get("detail").asText()).contains("of " + FILE_LIMIT).contains("heap").contains("free");

            // Past the limit: idle connections take every descriptor; the next client is told why.
            List<SocketChannel> hogs = new ArrayList<>();
            try {
                for (int i = 0; i < FILE_LIMIT + 20 && OpenFilesIT.openFiles(daemon) < FILE_LIMIT; i++) {
                    SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                    c.connect(UnixDomainSocketAddress.of(d.home.resolve("daemon.sock")));
                    hogs.add(c);
                }
                // Every client past the limit is answered within its deadline (served, or told why), never refused
                // as another user; at least one is told ResourceExhausted with the limit.
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < 10 && answers.stream().noneMatch(a -> a.contains("ResourceExhausted")); i++) {
                    answers.add(firstLine(d));
                }
                assertThat(answers).as("clients past the file limit").noneMatch(a -> a.contains("its own user"))
                        .allMatch(a -> a.contains("\"ok\":true") || a.contains("ResourceExhausted"))
                        .anyMatch(a -> a.contains("ResourceExhausted") && a.contains("limit of open files"));
            } finally {
                for (SocketChannel c : hogs) {
                    c.close();
                }
            }
            // Once they are gone, it serves again.
            await("served again").atMost(Duration.ofSeconds(60))
                    .until(() -> d.bgrun("daemon", "status").exitCode() == 0);
            Result stop = d.bgrun("stop", "--all");
            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            String log = Files.readString(d.home.resolve("daemon.log"));
            assertThat(log.lines().filter(l -> l.contains("accept failed")).count()).as("accept failures logged in summary")
                    .isLessThanOrEqualTo(10);
        }
    }

    /** Sends a request on a new connection and returns the first line answered (within a deadline). */
    private static String firstLine(Daemon d) throws Exception {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(d.home.resolve("daemon.sock")));
            c.write(ByteBuffer.wrap("{\"v\":1,\"id\":1,\"cmd\":\"daemon.status\"}\n".getBytes(StandardCharsets.UTF_8)));
            InputStream in = Channels.newInputStream(c);
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    StringBuilder b = new StringBuilder();
                    for (int ch; (ch = in.read()) >= 0 && ch != '\n'; ) {
                        b.append((char) ch);
                    }
                    return b.toString();
                } catch (IOException e) {
                    return "read failed: " + e;
                }
            });
            return line.get(30, TimeUnit.SECONDS);
        }
    }

    /** A uid without a passwd entry (docker --user 4242) runs jobs like any user: uids are compared, not names. */
    @Test
    void aUidWithoutAPasswdEntryCanUseBgrun() throws Exception {
        assumeThat(isRoot()).as("needs root to switch to a uid without a passwd entry (setpriv)").isTrue();
        int uid = 4242;
        assumeThat(Files.readString(Path.of("/etc/passwd"))).as("uid 4242 has no passwd entry here").doesNotContain(":4242:");
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path jar = shared.resolve("bgrun.jar");
        Files.copy(BgrunProcess.JAR, jar);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        Path home = shared.resolve("home"); // created by bgrun, as the uid
        Map<String, String> env = new HashMap<>(Map.of("BGRUN_HOME", home.toString(), "HOME", shared.toString()));
        List<String> as = List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--",
                BgrunProcess.JAVA, "-jar", jar.toString());
        try {
            Result run = BgrunProcess.run(shared, env, concat(as, "run", "--name", "sleeper", "--", "sleep", "600"));
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.err()).doesNotContain("belongs to").doesNotContain("its own user");
            assertThat((Integer) Files.getAttribute(home, "unix:uid")).isEqualTo(uid);
            Result status = BgrunProcess.run(shared, env, concat(as, "status", "sleeper"));
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(Daemon.JSON.readTree(status.out()).get("state").asText()).isIn("running", "ready");
            Result doctor = BgrunProcess.run(shared, env, concat(as, "doctor"));
            assertThat(doctor.out()).as(doctor.toString()).contains("\"name\":\"state-root\",\"status\":\"ok\"");
        } finally {
            BgrunProcess.run(shared, env, concat(as, "stop", "--all"));
            BgrunProcess.run(shared, env, concat(as, "daemon", "stop"));
            ProcessAudit.reap(home);
        }
    }

    /** An existing directory open to others is refused, with a clear error, and left exactly as it was. */
    @Test
    void aSharedDirectoryAsBgrunHomeIsRefusedAndLeftAlone() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("tmp-like"));
        new ProcessBuilder("chmod", "1777", shared.toString()).start().waitFor();
        Result r = BgrunProcess.bgrun(tmp, Map.of("BGRUN_HOME", shared.toString()), "list");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("StateError").contains("open to other users").contains("chmod 700");
        Process stat = new ProcessBuilder("stat", "-c", "%a", shared.toString()).start();
        assertThat(new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("1777");
        try (Stream<Path> files = Files.list(shared)) {
            assertThat(files.toList()).as("nothing written into it").isEmpty();
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static boolean isRoot() throws IOException {
        return Files.readString(Path.of("/proc/self/status")).lines()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
    }
}
