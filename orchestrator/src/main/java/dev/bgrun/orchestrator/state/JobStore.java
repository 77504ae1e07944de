package dev.bgrun.orchestrator.state;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.json.Json;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Job records on disk: {@code jobs/ID/job.json}, each written to a temporary file and renamed over the old
 * one, so a crash leaves either the old record or the new, never half of one.
 */
public final class JobStore {
    private final StateRoot root;

    public JobStore(StateRoot root) {
        this.root = root;
    }

    public Path recordFile(String id) {
        return root.jobDir(id).resolve("job.json");
    }

    public void save(String id, Map<String, Object> record) {
        Path file = recordFile(id);
        Path tmp = file.resolveSibling("job.json." + Thread.currentThread().threadId() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            // The record holds the job's environment: the owner's alone.
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Json.write(record));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot save job " + id + ": " + e.getMessage());
        }
    }

    /** Every readable record; an unreadable one is reported to {@code problems} and skipped. */
    public List<Map<String, Object>> loadAll(Consumer<String> problems) {
        List<Map<String, Object>> records = new ArrayList<>();
        if (!Files.isDirectory(root.jobsDir())) {
            return records;
        }
        try (var dirs = Files.newDirectoryStream(root.jobsDir(), Files::isDirectory)) {
            for (Path dir : dirs) {
                Path file = dir.resolve("job.json");
                if (!Files.exists(file)) {
                    continue;
                }
                try {
                    records.add(Json.readObject(Files.readString(file)));
                } catch (IOException | RuntimeException e) {
                    problems.accept("skipping unreadable job record " + file + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            problems.accept("cannot list " + root.jobsDir() + ": " + e.getMessage());
        }
        return records;
    }

    /** Removes a job's directory: its record and logs. */
    public void delete(String id) {
        Path dir = root.jobDir(id);
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
