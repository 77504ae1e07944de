package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.os.Posix;
import dev.bgrun.orchestrator.os.ProcStat;
import dev.bgrun.orchestrator.config.Signals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Stops a job's whole process tree: the stop signal to its process group, a grace period, then KILL to the
 * group and to every descendant that left it (taken from a snapshot made before the first signal, since an
 * orphan is no longer anyone's descendant), and finally a check that none of them is left.
 */
final class Stopper {
    private static final int KILL = 9;

    /** A process named by pid and kernel start time, so a reused pid is never signalled. */
    record Proc(long pid, long start) {
        boolean alive() {
            return ProcStat.alive(pid, start);
        }
    }

    private Stopper() {
    }

    /** The job's process and every descendant now (from a process table read after this call). */
    static List<Proc> snapshot(long pid) {
        List<Proc> tree = new ArrayList<>();
        tree.add(new Proc(pid, ProcStat.startTime(pid)));
        for (ProcTable.Entry e : ProcTable.descendants(ProcTable.fresh(), pid)) {
            tree.add(new Proc(e.pid(), e.start()));
        }
        return tree;
    }

    /**
     * Stops the tree whose group leader is {@code pid} (started at {@code start}).
     *
     * @param ended true once the job's main process has ended (its shim exited)
     * @return true when no process of the tree is left
     */
    static boolean stop(long pid, long start, String signal, Duration grace, BooleanSupplier ended)
            throws InterruptedException {
        if (!ProcStat.alive(pid, start) && groupGone(pid)) {
            return true;
        }
        List<Proc> tree = snapshot(pid);
        Posix.kill(-(int) pid, Signals.number(signal));
        waitUntil(() -> ended.getAsBoolean() && groupGone(pid), grace);
        // Whatever is left, in the group or escaped from it, is killed.
        List<Proc> all = new ArrayList<>(tree);
        if (ProcStat.alive(pid, start)) {
            all.addAll(snapshot(pid));
        }
        Posix.kill(-(int) pid, KILL);
        for (Proc p : all) {
            if (p.alive()) {
                Posix.kill((int) p.pid(), KILL);
            }
        }
        return waitUntil(() -> all.stream().noneMatch(Proc::alive) && groupGone(pid),
                Duration.ofSeconds(10));
    }

    /** No live process is left in the group: none at all, or only zombies (a /proc scan, done only then). */
    static boolean groupGone(long pgid) {
        return Posix.kill(-(int) pgid, 0) == Posix.ESRCH || ProcTable.members(ProcTable.fresh(), pgid).isEmpty();
    }

    /** Sends one signal to the job's process group. */
    static int signal(long pid, String signal) {
        return Posix.kill(-(int) pid, Signals.number(signal));
    }

    static boolean waitUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 25);
        }
    }
}
