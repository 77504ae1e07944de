package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.os.ProcStat;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.job.JobState;

import java.util.Collection;

/**
 * {@code max-rss-mb}: once a second, the resident memory of each live job's whole process tree, read from
 * snapshots and {@code /proc}; a job over its limit gets a {@code fail} message (its actor decides, and drops
 * it if the incarnation has changed meanwhile). {@code max-runtime-ms} is a timer the actor arms per incarnation.
 */
final class Limits {
    private Limits() {
    }

    static void check(Collection<JobActor> actors) {
        java.util.Map<Long, ProcTable.Entry> table = null; // one /proc scan for every job that has a limit
        for (JobActor actor : actors) {
            Job job = actor.job();
            if (job == null) {
                continue;
            }
            Integer maxRss = job.spec.get(JobKeys.MAX_RSS_MB);
            Job.Snapshot now = job.snapshot();
            if (maxRss == null || now.pid() == null || !(now.state() == JobState.RUNNING || now.state() == JobState.READY)) {
                continue;
            }
            if (table == null) {
                table = ProcTable.fresh();
            }
            long rss = ProcStat.rssBytes(now.pid()) + ProcTable.descendants(table, now.pid()).stream()
                    .mapToLong(p -> ProcStat.rssBytes(p.pid())).sum();
            if (rss > maxRss * 1024L * 1024L) {
                int n = now.incarnation();
                String why = "resident memory " + rss / (1024 * 1024) + " MiB over max-rss-mb (" + maxRss + ")";
                actor.mailbox.post(() -> actor.fail(n, why));
            }
        }
    }
}
