package dev.bgrun.orchestrator.project;

import dev.bgrun.orchestrator.config.Command;
import dev.bgrun.orchestrator.config.Condition;
import dev.bgrun.orchestrator.config.Dependency;
import dev.bgrun.orchestrator.config.Interpolation;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.config.Position;
import dev.bgrun.orchestrator.config.Problems;
import dev.bgrun.orchestrator.config.RawTable;
import dev.bgrun.orchestrator.config.RawValue;
import dev.bgrun.orchestrator.config.SpecKey;
import dev.bgrun.orchestrator.config.Suggestions;
import dev.bgrun.orchestrator.graph.JobGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks that need every job at once: {@code after} targets exist, no dependency cycle, conditions
 * that a dependency can meet, and {@code ${job.VAR}} references to a dependency that defines the variable.
 */
final class ProjectValidator {
    private final Map<String, JobSpec> jobs;
    private final Set<String> valid;
    private final Map<String, RawTable> tables;
    private final Problems problems;

    /**
     * @param jobs   every job declared, as far as its table could be read
     * @param valid  the jobs read without problems: only these get the finer checks
     * @param tables the table of every job
     */
    ProjectValidator(Map<String, JobSpec> jobs, Set<String> valid, Map<String, RawTable> tables, Problems problems) {
        this.jobs = jobs;
        this.valid = valid;
        this.tables = tables;
        this.problems = problems;
    }

    /** Checks the jobs and returns their graph (meaningful only when no problem was found). */
    JobGraph validate() {
        for (JobSpec job : jobs.values()) {
            checkAfter(job);
        }
        JobGraph graph = JobGraph.of(jobs);
        List<List<String>> cycles = graph.cycles();
        for (List<String> cycle : cycles) {
            String first = cycle.getFirst();
            problems.add(positionOf(first, JobKeys.AFTER), tables.get(first).pathOf(JobKeys.AFTER.name()),
                    "dependency cycle: " + String.join(" -> ", cycle) + " (each job waits for the next)");
        }
        if (cycles.isEmpty()) {
            for (JobSpec job : jobs.values()) {
                if (valid.contains(job.name())) {
                    checkReferences(job, graph);
                }
            }
        }
        return graph;
    }

    private void checkAfter(JobSpec job) {
        for (Dependency d : job.after()) {
            JobSpec target = jobs.get(d.job());
            if (target == null) {
                problems.add(d.position(), afterPath(job), "unknown job \"" + d.job() + "\"",
                        Suggestions.nearest(d.job(), jobs.keySet()));
            } else if (target.oneshot() && d.condition() == Condition.READY) {
                problems.add(d.position(), afterPath(job), "\"" + d.job() + "\" is a oneshot job and is never ready; "
                        + "wait for \"completed\" (exit 0) or \"exited\" instead", "completed");
            }
        }
    }

    private String afterPath(JobSpec job) {
        return tables.get(job.name()).pathOf(JobKeys.AFTER.name());
    }

    private void checkReferences(JobSpec job, JobGraph graph) {
        for (SpecKey<?> key : JobKeys.withTrait(SpecKey.Trait.INTERPOLATED)) {
            if (!job.isSet(key)) {
                continue;
            }
            for (String text : texts(job.get(key))) {
                for (Interpolation.Ref ref : Interpolation.refs(text)) {
                    if (!ref.ownVariable() && !ref.job().equals(job.name())) {
                        checkReference(job, key, ref, graph);
                    }
                }
            }
        }
    }

    private void checkReference(JobSpec job, SpecKey<?> key, Interpolation.Ref ref, JobGraph graph) {
        JobSpec target = jobs.get(ref.job());
        if (target != null && graph.dependsOn(job.name(), ref.job()) && target.variables().contains(ref.variable())) {
            return; // the usual case, told without building a message's parts
        }
        Position at = positionOf(job.name(), key);
        String path = tables.get(job.name()).pathOf(key.name());
        if (target == null) {
            problems.add(at, path, ref.text() + " refers to unknown job \"" + ref.job() + "\"",
                    Suggestions.nearest(ref.job(), jobs.keySet()));
        } else if (!graph.dependsOn(job.name(), ref.job())) {
            problems.add(at, path, ref.text() + " refers to job \"" + ref.job() + "\", which \"" + job.name()
                    + "\" does not wait for; add \"" + ref.job() + "\" to its after");
        } else if (!target.variables().contains(ref.variable())) {
            problems.add(at, path, ref.text() + ": job \"" + ref.job() + "\" defines no variable " + ref.variable()
                    + (target.variables().isEmpty() ? " (it defines none in env or allocate-port)"
                    : " (it defines " + String.join(", ", target.variables()) + ")"),
                    Suggestions.nearest(ref.variable(), target.variables()));
        }
    }

    /** The strings inside a value that references can appear in. */
    private static List<String> texts(Object value) {
        List<String> out = new ArrayList<>();
        switch (value) {
            case String s -> out.add(s);
            case Command c -> out.addAll(c.argv());
            case Map<?, ?> m -> m.values().forEach(v -> out.add(String.valueOf(v)));
            case null, default -> {
            }
        }
        return out;
    }

    private Position positionOf(String job, SpecKey<?> key) {
        RawTable table = tables.get(job);
        RawValue raw = table.get(key.name());
        return raw != null ? raw.position() : table.position();
    }
}
