package dev.bgrun.orchestrator.readiness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Holds when the command exits 0 (run in the job's directory and environment, output discarded). */
public record CommandProbe(String key, List<String> argv, Path cwd, Map<String, String> env) implements Probe {
    private static final long ATTEMPT_TIMEOUT_SECONDS = 10;

    @Override
    public String describe() {
        return key + " (" + String.join(" ", argv) + ")";
    }

    @Override
    public boolean holds() {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            if (!process.waitFor(ATTEMPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
