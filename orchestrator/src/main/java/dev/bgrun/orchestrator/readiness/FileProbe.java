package dev.bgrun.orchestrator.readiness;

import java.nio.file.Files;
import java.nio.file.Path;

/** Holds when the file exists. */
public record FileProbe(String key, Path file) implements Probe {
    @Override
    public String describe() {
        return key + " (" + file + ")";
    }

    @Override
    public boolean holds() {
        return Files.exists(file);
    }

    @Override
    public long maxPauseMillis() {
        return 10; // a stat costs microseconds
    }
}
