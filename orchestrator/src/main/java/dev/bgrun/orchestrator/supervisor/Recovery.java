package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.os.Posix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a daemon does on start with what the last one left: every record read back into an actor; every shim
 * of this state root that no record calls current (a twin, or an orphan of a record that was never saved)
 * stopped with its job's group; then each job settled with the truth by its own actor ({@link JobActor#recover}:
 * re-adopt a live shim, settle from an exit file, start what was recorded but never spawned, stop a job whose
 * shim was killed).
 */
final class Recovery {
    /** How long one job's recovery may take (it may have to stop a tree: stop-timeout, then KILL). */
    private static final long PER_JOB_MINUTES = 2;

    private Recovery() {
    }

    static void run(Supervisor sv, List<Map<String, Object>> records) throws InterruptedException {
        List<JobActor> recovered = new ArrayList<>();
        for (Map<String, Object> record : records) {
            Job job;
            try {
                job = Job.fromRecord(record);
            } catch (RuntimeException e) {
                sv.log().accept("skipping job record " + record.get("id") + ": " + e);
                continue;
            }
            recovered.add(sv.readBack(job));
        }
        stopStrays(sv);
        List<CompletableFuture<Object>> done = new ArrayList<>();
        for (JobActor actor : recovered) {
            done.add(actor.mailbox.ask(() -> {
                actor.recover();
                return null;
            }));
        }
        for (CompletableFuture<Object> f : done) {
            try {
                f.get(PER_JOB_MINUTES, TimeUnit.MINUTES);
            } catch (ExecutionException | TimeoutException e) {
                sv.log().accept("recovery of a job failed: " + e);
            }
        }
    }

    /** Shims of this state root whose incarnation no record calls current: twins or orphans; stopped. */
    private static void stopStrays(Supervisor sv) {
        Map<Path, JobActor> byDir = new HashMap<>();
        sv.actors().forEach(a -> byDir.put(sv.root().jobDir(a.id), a));
        for (ShimProcesses.Found shim : ShimProcesses.all(sv.root().dir())) {
            JobActor actor = byDir.get(shim.jobDir());
            Job job = actor == null ? null : actor.job();
            boolean current = job != null && job.state.alive() && job.incarnation == shim.incarnation();
            if (current) {
                continue;
            }
            if (actor != null) {
                actor.killStray(shim.incarnation(), shim.pid());
                continue;
            }
            sv.log().accept("stopping the shim " + shim.pid() + " of unknown job directory " + shim.jobDir());
            Long pid = Spawner.readNumber(Spawner.pidFile(shim.jobDir(), shim.incarnation()));
            if (pid != null && ShimProcesses.belongsTo(pid, shim.jobDir().getFileName().toString(), shim.incarnation())) {
                Posix.kill(-pid.intValue(), 9);
            }
            Posix.kill((int) shim.pid(), 9);
        }
    }
}
