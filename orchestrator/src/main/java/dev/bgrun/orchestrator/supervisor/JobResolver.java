package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.Suggestions;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds the job a reference names: a full id, a unique id prefix of at least 4 characters, WORKSPACE/NAME, or
 * NAME (in the caller's workspace first, then anywhere if that is unique). Ambiguity is an error that lists
 * the candidates; a miss is an error with the nearest name.
 */
final class JobResolver {
    static final int MIN_PREFIX = 4;

    private JobResolver() {
    }

    static Job resolve(Collection<Job> jobs, String ref, String currentWorkspace) {
        for (Job job : jobs) {
            if (job.id().equals(ref)) {
                return job;
            }
        }
        int slash = ref.indexOf('/');
        if (slash > 0) {
            String ws = ref.substring(0, slash);
            String name = ref.substring(slash + 1);
            return one(jobs.stream().filter(j -> j.workspace().equals(ws) && j.name().equals(name)).toList(), ref, jobs);
        }
        if (currentWorkspace != null) {
            List<Job> here = jobs.stream().filter(j -> j.workspace().equals(currentWorkspace) && j.name().equals(ref)).toList();
            if (here.size() == 1) {
                return here.getFirst();
            }
        }
        List<Job> named = jobs.stream().filter(j -> j.name().equals(ref)).toList();
        if (!named.isEmpty()) {
            return one(named, ref, jobs);
        }
        if (ref.length() >= MIN_PREFIX) {
            List<Job> prefixed = jobs.stream().filter(j -> j.id().startsWith(ref)).toList();
            if (!prefixed.isEmpty()) {
                return one(prefixed, ref, jobs);
            }
        }
        return one(List.of(), ref, jobs);
    }

    private static Job one(List<Job> matches, String ref, Collection<Job> all) {
        if (matches.size() == 1) {
            return matches.getFirst();
        }
        if (matches.isEmpty()) {
            List<String> names = all.stream().map(Job::name).distinct().toList();
            String near = Suggestions.nearest(ref.contains("/") ? ref.substring(ref.indexOf('/') + 1) : ref, names);
            String hint = near != null ? "did you mean \"" + near + "\"? `bgrun list` shows every job"
                    : "`bgrun list` shows every job; an id prefix needs at least " + MIN_PREFIX + " characters";
            throw new BgrunException(ErrorType.JobNotFound, "no job matches \"" + ref + "\"", hint,
                    Map.of("ref", ref), null);
        }
        List<String> candidates = matches.stream().map(j -> j.workspace() + "/" + j.name() + " (" + j.id() + ")").toList();
        throw new BgrunException(ErrorType.AmbiguousJob, "\"" + ref + "\" matches " + matches.size() + " jobs: "
                + String.join(", ", candidates), "name one by id or as WORKSPACE/NAME",
                Map.of("ref", ref, "candidates", candidates), null);
    }
}
