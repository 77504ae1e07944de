package dev.bgrun.orchestrator.project;

import dev.bgrun.orchestrator.config.Dependency;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobNames;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.JobSpecReader;
import dev.bgrun.orchestrator.config.Position;
import dev.bgrun.orchestrator.config.Problems;
import dev.bgrun.orchestrator.config.RawTable;
import dev.bgrun.orchestrator.config.RawValue;
import dev.bgrun.orchestrator.config.SpecKey;
import dev.bgrun.orchestrator.config.Suggestions;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.graph.JobGraph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a {@code bgrun.toml}: parses it, reads every job over {@code [defaults]}, checks the jobs against
 * each other, and either returns a {@link Project} or throws one {@link dev.bgrun.orchestrator.config.ConfigException}
 * listing every problem found.
 */
public final class ProjectLoader {
    private static final List<String> TOP_LEVEL_KEYS = List.of("workspace", "defaults", "jobs");

    private ProjectLoader() {
    }

    /** Loads the file; {@code source} is the name to show in messages. */
    public static Project load(Path file, String source) {
        return parse(read(file, source), file.toAbsolutePath().normalize(), source);
    }

    /** Loads a file, naming it in messages as {@link ProjectFiles#displayName} does. */
    public static Project load(Path file) {
        return load(file, ProjectFiles.displayName(file));
    }

    /** Reads project text that came from {@code file} (which need not exist). */
    public static Project parse(String text, Path file, String source) {
        Problems problems = new Problems(source);
        RawTable root = TomlDocument.parse(text, problems);
        problems.throwIfAny();

        for (String key : root.keys()) {
            if (!TOP_LEVEL_KEYS.contains(key)) {
                String hint = key.equals("job") ? "jobs" : Suggestions.nearest(key, TOP_LEVEL_KEYS);
                problems.add(root.get(key).position(), root.pathOf(key),
                        "unknown top-level key (expected workspace, [defaults] or [jobs.NAME] tables)", hint);
            }
        }
        String workspace = workspace(root, file, problems);
        JobSpecReader reader = new JobSpecReader(problems);
        RawTable defaultsTable = table(root, "defaults", problems);
        Map<SpecKey<?>, Object> defaults = defaultsTable == null ? Map.of() : reader.readDefaults(defaultsTable);

        Map<String, JobSpec> jobs = new LinkedHashMap<>();
        Map<String, RawTable> tables = new LinkedHashMap<>();
        Set<String> valid = new HashSet<>();
        RawTable jobsTable = table(root, "jobs", problems);
        if (!root.has("jobs") || jobsTable != null && jobsTable.size() == 0) {
            Position at = root.has("jobs") ? root.get("jobs").position() : new Position(1, 1);
            problems.add(at, "jobs", "no jobs defined; add a [jobs.NAME] table with a cmd");
        } else if (jobsTable != null) {
            for (String name : jobsTable.keys()) {
                RawValue raw = jobsTable.get(name);
                if (!(raw.value() instanceof RawTable jobTable)) {
                    problems.add(raw.position(), jobsTable.pathOf(name),
                            "expected a table such as [jobs." + name + "] with a cmd, got " + raw.describe());
                    continue;
                }
                if (!JobNames.validJob(name)) {
                    problems.add(raw.position(), jobsTable.pathOf(name), JobNames.JOB_RULE, JobNames.suggestJob(name));
                }
                tables.put(name, jobTable);
                int before = problems.size();
                jobs.put(name, reader.read(name, jobTable, defaults));
                if (problems.size() == before) {
                    valid.add(name);
                }
            }
        }
        JobGraph graph = new ProjectValidator(jobs, valid, tables, problems).validate();
        problems.throwIfAny();
        return new Project(file, source, workspace, settleConditions(jobs), graph);
    }

    /** Each after edge with its default condition made explicit (completed for a oneshot dependency). */
    private static Map<String, JobSpec> settleConditions(Map<String, JobSpec> jobs) {
        Map<String, JobSpec> settled = new LinkedHashMap<>();
        jobs.forEach((name, spec) -> {
            List<Dependency> after = spec.after();
            if (after.isEmpty()) {
                settled.put(name, spec); // nothing to settle: no copy of the spec
                return;
            }
            List<Dependency> explicit = new ArrayList<>(after.size());
            for (Dependency d : after) {
                explicit.add(d.settled(jobs.get(d.job()).oneshot()));
            }
            settled.put(name, spec.with(JobKeys.AFTER, List.copyOf(explicit)));
        });
        return settled;
    }

    private static String workspace(RawTable root, Path file, Problems problems) {
        RawValue raw = root.get("workspace");
        if (raw == null) {
            Path dir = file.toAbsolutePath().getParent();
            return JobNames.workspaceFrom(dir == null || dir.getFileName() == null ? "default" : dir.getFileName().toString());
        }
        if (!(raw.value() instanceof String s) || !JobNames.validWorkspace(s)) {
            problems.add(raw.position(), "workspace", "expected " + JobNames.WORKSPACE_RULE + ", got " + raw.describe());
            return null;
        }
        return s;
    }

    private static RawTable table(RawTable root, String key, Problems problems) {
        RawValue raw = root.get(key);
        if (raw == null) {
            return null;
        }
        if (raw.value() instanceof RawTable t) {
            return t;
        }
        problems.add(raw.position(), key, "expected a table ([" + key + "]), got " + raw.describe());
        return null;
    }

    private static String read(Path file, String source) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BgrunException(ErrorType.ConfigNotFound, "no such file: " + source,
                    "check the path given to -f/--file");
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot read " + source + ": " + e.getMessage(), null,
                    Map.of("file", source), e);
        }
        return decode(bytes, source);
    }

    /** The bytes as UTF-8 text; TOML files must be UTF-8, so anything else is a located problem. */
    static String decode(byte[] bytes, String source) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            decoder.flush(out);
            return out.flip().toString();
        }
        // The text decoded so far tells the line and column of the first bad byte.
        String good = out.flip().toString();
        int line = 1 + (int) good.chars().filter(c -> c == '\n').count();
        int column = good.length() - good.lastIndexOf('\n');
        Problems problems = new Problems(source);
        problems.add(new Position(line, column), "", "not valid TOML: the file is not UTF-8 text (bad byte at byte offset "
                + in.position() + ")");
        problems.throwIfAny();
        throw new AssertionError("unreachable: a problem was added");
    }
}
