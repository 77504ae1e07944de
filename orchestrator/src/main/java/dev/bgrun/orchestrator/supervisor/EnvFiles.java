package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code env-file}s: {@code KEY=VALUE} lines, {@code #} comments, an optional {@code export}, quoted values. */
final class EnvFiles {
    private EnvFiles() {
    }

    static Map<String, String> read(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot read env-file " + file + ": " + e.getMessage(),
                    "check the env-file path (relative to the project file)");
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new BgrunException(ErrorType.ConfigInvalid, file + ":" + (i + 1) + ": expected KEY=VALUE, got \""
                        + line + "\"");
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            env.put(line.substring(0, eq).strip(), value);
        }
        return env;
    }
}
