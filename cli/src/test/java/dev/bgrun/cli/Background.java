package dev.bgrun.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A bgrun command left running (up, events --follow), its stdout and stderr collected line by line. */
final class Background implements AutoCloseable {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    Background(Path cwd, Map<String, String> env, String... args) {
        // With Ctrl-C's default disposition, as at a terminal: a test run from a background job (`scripts/test &`)
        // inherits SIGINT ignored, and a client rightly leaves an ignored Ctrl-C be (GNU env resets it).
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", BgrunProcess.JAVA, "-jar",
                BgrunProcess.JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException e) {
                lines.add("read failed: " + e);
            }
        });
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until a line containing {@code text} has come. */
    void awaitLine(String text) {
        await("a line with \"" + text + "\"").atMost(Duration.ofSeconds(60))
                .until(() -> lines().stream().anyMatch(l -> l.contains(text)));
    }

    /** Sends SIGTERM (as a CI runner, or Ctrl-C alike), waits for the end and the last line; the exit code. */
    int terminate() throws InterruptedException {
        process.toHandle().destroy(); // not Process.destroy(), which would also close the output being read
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("still running a minute after SIGTERM: " + String.join("\n", lines()));
        }
        reader.join(Duration.ofSeconds(30));
        return process.exitValue();
    }

    /** Sends SIGINT (what Ctrl-C sends), waits for the end and the last line; the exit code. */
    int interrupt() throws InterruptedException {
        // Once env has reset the disposition and become java (a signal to env itself could still be ignored).
        await("the client's exec of java").atMost(Duration.ofSeconds(60))
                .until(() -> process.info().command().orElse("").endsWith("/java") || !process.isAlive());
        BgrunProcess.Result kill = BgrunProcess.run(Path.of("/"), Map.of(), List.of("kill", "-INT", Long.toString(process.pid())));
        if (kill.exitCode() != 0) {
            throw new AssertionError("kill -INT failed: " + kill);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("still running a minute after SIGINT: " + String.join("\n", lines()));
        }
        reader.join(Duration.ofSeconds(30));
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
