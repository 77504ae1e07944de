package dev.bgrun.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the packaged bgrun (or the launcher script) as a real subprocess and collects what it printed. */
final class BgrunProcess {
    static final Path JAR = Path.of(System.getProperty("bgrun.jar", "target/bgrun.jar")).toAbsolutePath();
    static final Path REPO = Path.of(System.getProperty("bgrun.repo", "..")).toAbsolutePath().normalize();
    static final Path SAMPLES = REPO.resolve("samples");
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** The launcher that runs a jar with its AOT cache (what the dev launcher and the installed command exec). */
    static final Path RUN_JAR = REPO.resolve("scripts/lib/run-jar.sh");

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private BgrunProcess() {
    }

    /** {@code bgrun ARGS} run from the jar in {@code cwd}. */
    static Result bgrun(Path cwd, String... args) {
        return bgrun(cwd, Map.of(), args);
    }

    /** {@code bgrun ARGS} with extra environment variables (such as BGRUN_HOME). */
    static Result bgrun(Path cwd, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xshare:auto", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return run(cwd, env, command);
    }

    static Result run(Path cwd, Map<String, String> env, List<String> command) {
        return run(cwd, env, command, null);
    }

    /** Runs {@code command} with {@code input} as its standard input (null: /dev/null). */
    static Result run(Path cwd, Map<String, String> env, List<String> command, String input) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        builder.environment().remove("NO_COLOR");
        builder.environment().putAll(env);
        if (input == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        try {
            Process process = builder.start();
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static CompletableFuture<String> read(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A git-repository-like directory holding a project file. */
    static Path project(Path dir, String toml) throws IOException {
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve("bgrun.toml"), toml);
        return dir;
    }
}
