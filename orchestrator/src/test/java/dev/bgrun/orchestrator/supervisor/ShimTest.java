package dev.bgrun.orchestrator.supervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bgrun-shim binary (src/main/c/bgrun-shim.c), as the build puts it on the classpath, run for real. */
class ShimTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @TempDir
    Path temp;

    private Path shim;
    private Path jobDir;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void copyShim() throws IOException {
        try (InputStream in = ShimTest.class.getResourceAsStream("bgrun-shim")) {
            assertThat(in).as("bgrun-shim on the classpath (built by exec-maven-plugin)").isNotNull();
            shim = temp.resolve("bgrun-shim");
            Files.copy(in, shim, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwx------"));
        jobDir = Files.createDirectory(temp.resolve("job"));
    }

    @AfterEach
    void killLeftovers() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void exitCodeAndPidsAreRecorded() throws Exception {
        writeArgv(1, "sh", "-c", "exit 3");
        Process process = start(List.of(shim.toString(), jobDir.toString(), "1"));
        String report = finish(process);

        assertThat(process.exitValue()).isZero();
        assertThat(report).matches("pid \\d+\n");
        assertThat(read("pid.1")).isEqualTo(report.substring(4));
        assertThat(read("shim.1")).isEqualTo(process.pid() + "\n");
        assertThat(read("exit.1")).isEqualTo("3\n");
        assertThat(jobDir.resolve("exit.1.tmp")).doesNotExist();
    }

    @Test
    void aJobKilledBySignalExitsWith128PlusTheSignal() throws Exception {
        writeArgv(1, "sleep", "30");
        Process process = start(List.of(shim.toString(), jobDir.toString(), "1"));
        long pid = reportedPid(process);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::destroy)).contains(true);
        finish(process);

        assertThat(read("exit.1")).isEqualTo("143\n");
    }

    @Test
    void outputIsAppendedToTheLogsWithTheCallersEnvironmentAndDirectory() throws Exception {
        Files.writeString(jobDir.resolve("stdout.log"), "before\n");
        writeArgv(2, "sh", "-c", "echo \"$BGRUN_TEST_VALUE\"; pwd; echo oops >&2; exit 0");
        ProcessBuilder builder = new ProcessBuilder(shim.toString(), jobDir.toString(), "2").directory(temp.toFile());
        builder.environment().put("BGRUN_TEST_VALUE", "a value with spaces");
        Process process = start(builder);
        finish(process);

        assertThat(read("stdout.log")).isEqualTo("before\na value with spaces\n" + temp.toRealPath() + "\n");
        assertThat(read("stderr.log")).isEqualTo("oops\n");
        assertThat(read("exit.2")).isEqualTo("0\n");
    }

    @Test
    void aMissingExecutableIsReportedAndExits127() throws Exception {
        writeArgv(1, "nosuchcmd-xyz", "arg");
        Process process = start(List.of(shim.toString(), jobDir.toString(), "1"));
        String report = finish(process);

        assertThat(report).startsWith("error cannot run nosuchcmd-xyz: ").endsWith("\n");
        assertThat(read("exit.1")).isEqualTo("127\n");
    }

    @Test
    void anEmptyOrMissingArgvIsReportedAndExits127() throws Exception {
        Files.write(jobDir.resolve("argv.1"), new byte[0]);
        Process empty = start(List.of(shim.toString(), jobDir.toString(), "1"));
        assertThat(finish(empty)).startsWith("error ");
        assertThat(read("exit.1")).isEqualTo("127\n");

        Process missing = start(List.of(shim.toString(), jobDir.toString(), "2"));
        assertThat(finish(missing)).startsWith("error cannot read ");
        assertThat(read("exit.2")).isEqualTo("127\n");
    }

    @Test
    void theJobStartsWithDefaultSignalsAndAnEmptyMask() throws Exception {
        // bash passes ignored INT and HUP on through exec, as a daemon started from such a shell would.
        String ignoring = "trap '' INT HUP; exec \"$@\"";
        writeArgv(1, "grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status");
        Process process = start(List.of("bash", "-c", ignoring, "bash", shim.toString(), jobDir.toString(), "1"));
        finish(process);

        assertThat(read("exit.1")).isEqualTo("0\n");
        assertThat(read("stdout.log")).isEqualTo("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");

        // Without the shim, the same job inherits INT and HUP ignored (bits 0 and 1), and, started by the JDK
        // through glibc's posix_spawn, also signals 32 and 33, which only the shim's raw rt_sigaction resets.
        Process direct = start(List.of("bash", "-c", ignoring, "bash", "grep", "-E", "^SigIgn:", "/proc/self/status"));
        assertThat(finish(direct)).matches("SigIgn:\t[0-9a-f]{15}[37bf]\n");
    }

    @Test
    void theJobLeadsItsOwnSessionAndTheShimIsNotInIt() throws Exception {
        writeArgv(1, "sleep", "30");
        Process process = start(List.of(shim.toString(), jobDir.toString(), "1"));
        long pid = reportedPid(process);

        long[] job = sessionAndGroup(pid);
        long[] shimIds = sessionAndGroup(process.pid());
        assertThat(job).containsExactly(pid, pid);
        assertThat(shimIds[0]).isNotEqualTo(pid);
        assertThat(shimIds[1]).isNotEqualTo(pid);
        assertThat(ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).contains(process.pid());

        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        finish(process);
    }

    @Test
    void stdinComesFromTheFifoUntilSigusr1LetsTheJobReadEof() throws Exception {
        Path fifo = jobDir.resolve("stdin.fifo");
        assertThat(run("mkfifo", "-m", "600", fifo.toString())).isZero();
        writeArgv(1, "sh", "-c", "cat; echo done");
        Process process = start(List.of(shim.toString(), jobDir.toString(), "1", "stdin"));
        reportedPid(process);

        // Two writers, one after the other: the keeper holds the FIFO open, so the first one closing is no EOF.
        writeFifo(fifo, "hello\n");
        await().atMost(DEADLINE).until(() -> read("stdout.log").equals("hello\n"));
        writeFifo(fifo, "world\n");
        await().atMost(DEADLINE).until(() -> read("stdout.log").equals("hello\nworld\n"));
        assertThat(process.isAlive()).isTrue();
        assertThat(jobDir.resolve("exit.1")).doesNotExist();

        assertThat(run("kill", "-USR1", Long.toString(process.pid()))).isZero();
        finish(process);

        assertThat(process.exitValue()).isZero();
        assertThat(read("stdout.log")).isEqualTo("hello\nworld\ndone\n");
        assertThat(read("exit.1")).isEqualTo("0\n");
    }

    @Test
    void sigusr1WithoutStdinDoesNotKillTheShim() throws Exception {
        writeArgv(1, "sleep", "30");
        Process process = start(List.of(shim.toString(), jobDir.toString(), "1"));
        long pid = reportedPid(process);
        assertThat(run("kill", "-USR1", Long.toString(process.pid()))).isZero();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        finish(process);

        assertThat(process.exitValue()).isZero();
        assertThat(read("exit.1")).isEqualTo("143\n");
    }

    @Test
    void theShimOutlivesAClosedReportChannel() throws Exception {
        writeArgv(1, "sh", "-c", "exit 5");
        Process process = start(List.of(shim.toString(), jobDir.toString(), "1"));
        process.getInputStream().close();
        assertThat(process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        assertThat(process.exitValue()).isZero();
        assertThat(read("exit.1")).isEqualTo("5\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "relative/dir 1", "/tmp/x", "/tmp/x 0", "/tmp/x 01", "/tmp/x -1", "/tmp/x 1x",
            "/tmp/x 1 stdin extra", "/tmp/x 1 STDIN"})
    void badUsageExits2(String args) throws Exception {
        List<String> command = new ArrayList<>(List.of(shim.toString()));
        if (!args.isEmpty()) {
            command.addAll(List.of(args.split(" ")));
        }
        Process process = start(command);
        String report = finish(process);

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(report).startsWith("error usage");
    }

    private void writeArgv(int incarnation, String... argv) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String arg : argv) {
            bytes.writeBytes(arg.getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
        }
        Files.write(jobDir.resolve("argv." + incarnation), bytes.toByteArray());
    }

    private Process start(List<String> command) throws IOException {
        return start(new ProcessBuilder(command));
    }

    /** Started as the daemon will: stdin from /dev/null, stdout a pipe, stderr discarded. */
    private Process start(ProcessBuilder builder) throws IOException {
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** Everything the shim reported, once it has exited. */
    private String finish(Process process) throws Exception {
        String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).as("shim exited").isTrue();
        return report;
    }

    /** The job's pid from the report line, which the shim sends once the exec worked. */
    private long reportedPid(Process process) throws IOException {
        StringBuilder line = new StringBuilder();
        InputStream in = process.getInputStream();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        assertThat(line.toString()).matches("pid \\d+");
        return Long.parseLong(line.substring(4));
    }

    /** Session id and process group of a process, from /proc/PID/stat (after the command's closing paren). */
    private static long[] sessionAndGroup(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state): pgrp is field 5, session field 6.
        return new long[] {Long.parseLong(fields[3]), Long.parseLong(fields[2])};
    }

    private static void writeFifo(Path fifo, String text) throws IOException {
        try (OutputStream out = Files.newOutputStream(fifo, StandardOpenOption.WRITE)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private int run(String... command) throws Exception {
        Process process = start(List.of(command));
        finish(process);
        return process.exitValue();
    }

    private String read(String name) throws IOException {
        Path file = jobDir.resolve(name);
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
