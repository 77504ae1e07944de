package dev.bgrun.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A snapshot of every live process of one state root, read from /proc: the processes whose environment holds
 * {@code BGRUN_HOME=<home>}. Each is classified as the daemon, a CLI client, a bgrun-internal helper (the
 * wrapper or shim that watches a job, and its stdin keeper) or a job process (it has {@code BGRUN_JOB_ID} in
 * its environment). Zombies are left out: they have ended. Unreadable entries (other users, processes that
 * ended while being read) are skipped.
 */
final class ProcessAudit {
    /** What a process of the state root is. */
    enum Kind {
        DAEMON, CLIENT, INTERNAL, JOB
    }

    record Proc(long pid, long ppid, long pgid, long startTime, char state, String cmdline, String jobId,
                String jobName, String incarnation, Kind kind) {
        /** The leader of its process group: a job's main process (it runs in a session of its own). */
        boolean leader() {
            return pid == pgid;
        }

        boolean isJob() {
            return kind == Kind.JOB;
        }

        /** Whether this very process (same pid and start time) is still alive and not a zombie. */
        boolean stillAlive() {
            Proc now = read(pid);
            return now != null && now.startTime == startTime && now.state != 'Z' && now.state != 'X';
        }
    }

    private final Path home;
    private final List<Proc> processes;

    private ProcessAudit(Path home, List<Proc> processes) {
        this.home = home;
        this.processes = processes;
    }

    /** Every live (non-zombie) process whose environment has BGRUN_HOME equal to {@code home}. */
    static ProcessAudit scan(Path home) {
        String wanted = home.toString();
        long self = ProcessHandle.current().pid();
        List<Proc> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                Map<String, String> env = environ(pid);
                if (env == null || !wanted.equals(env.get("BGRUN_HOME"))) {
                    continue;
                }
                Proc p = classify(pid, env);
                if (p != null && p.state != 'Z' && p.state != 'X') {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        found.sort(Comparator.comparing((Proc p) -> p.jobId == null ? "" : p.jobId).thenComparingLong(Proc::pid));
        return new ProcessAudit(home, List.copyOf(found));
    }

    private static Proc read(long pid) {
        Map<String, String> env = environ(pid);
        return classify(pid, env == null ? Map.of() : env);
    }

    private static Proc classify(long pid, Map<String, String> env) {
        String stat;
        String cmdline;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            cmdline = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        // After the ")" that closes the command name: state ppid pgrp session ... starttime is field 22.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        char state = f[0].charAt(0);
        long ppid = Long.parseLong(f[1]);
        long pgid = Long.parseLong(f[2]);
        long start = Long.parseLong(f[19]);
        String jobId = env.get("BGRUN_JOB_ID");
        Kind kind;
        if (cmdline.contains("dev.bgrun.orchestrator.daemon.DaemonMain") || cmdline.contains("-Dbgrun.daemon=true")) {
            kind = Kind.DAEMON;
        } else if (cmdline.contains("bgrun-wrapper") || cmdline.contains("bgrun-shim")) {
            kind = Kind.INTERNAL;
        } else if (jobId != null) {
            kind = Kind.JOB;
        } else {
            kind = Kind.CLIENT;
        }
        return new Proc(pid, ppid, pgid, start, state, cmdline, jobId, env.get("BGRUN_JOB_NAME"),
                env.get("BGRUN_INCARNATION"), kind);
    }

    /** The environment of a process, or null when it cannot be read. */
    private static Map<String, String> environ(long pid) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        Map<String, String> env = new HashMap<>();
        for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    List<Proc> all() {
        return processes;
    }

    List<Proc> of(Kind kind) {
        return processes.stream().filter(p -> p.kind == kind).toList();
    }

    /** Job processes (BGRUN_JOB_ID in their environment; not the daemon, a client or a wrapper). */
    List<Proc> jobs() {
        return of(Kind.JOB);
    }

    List<Proc> jobs(Predicate<Proc> filter) {
        return jobs().stream().filter(filter).toList();
    }

    /** Job processes of the job with this name (BGRUN_JOB_NAME). */
    List<Proc> named(String name) {
        return jobs(p -> name.equals(p.jobName));
    }

    /** bgrun's own helpers that watch jobs (wrapper, shim, stdin keeper): not jobs, reported apart. */
    List<Proc> internal() {
        return of(Kind.INTERNAL);
    }

    List<Proc> daemons() {
        return of(Kind.DAEMON);
    }

    /** Job processes by job id, in id order. */
    Map<String, List<Proc>> byJob() {
        Map<String, List<Proc>> by = new TreeMap<>();
        for (Proc p : jobs()) {
            by.computeIfAbsent(p.jobId, k -> new ArrayList<>()).add(p);
        }
        return by;
    }

    /**
     * Jobs that have more than one incarnation alive at once: by BGRUN_INCARNATION when every process of the
     * job has it, else by process group (a job's incarnation is one process group, led by its main process).
     * Also a job with more than one group leader. Each problem is one line.
     */
    List<String> incarnationProblems() {
        List<String> problems = new ArrayList<>();
        byJob().forEach((id, procs) -> {
            boolean haveIncarnation = procs.stream().allMatch(p -> p.incarnation != null);
            Set<String> incarnations = new LinkedHashSet<>();
            Set<Long> groups = new LinkedHashSet<>();
            List<Long> leaders = new ArrayList<>();
            for (Proc p : procs) {
                incarnations.add(p.incarnation);
                groups.add(p.pgid);
                if (p.leader()) {
                    leaders.add(p.pid);
                }
            }
            if (haveIncarnation && incarnations.size() > 1) {
                problems.add("job " + id + " (" + procs.getFirst().jobName + "): processes of incarnations " + incarnations);
            }
            if (leaders.size() > 1) {
                problems.add("job " + id + " (" + procs.getFirst().jobName + "): " + leaders.size()
                        + " process group leaders (main processes) " + leaders);
            } else if (!haveIncarnation && groups.size() > 1) {
                problems.add("job " + id + " (" + procs.getFirst().jobName + "): processes in " + groups.size()
                        + " process groups " + groups);
            }
        });
        return problems;
    }

    /** A table of every process found, for assertion messages. */
    String table() {
        StringBuilder b = new StringBuilder();
        b.append("processes with BGRUN_HOME=").append(home).append(": ").append(processes.size()).append('\n');
        b.append(String.format("  %-8s %-7s %-7s %-7s %-2s %-9s %-10s %-10s %-5s %s%n", "KIND", "PID", "PPID", "PGID",
                "S", "LEADER", "JOB_ID", "JOB_NAME", "INC", "CMDLINE"));
        for (Proc p : processes) {
            b.append(String.format("  %-8s %-7d %-7d %-7d %-2s %-9s %-10s %-10s %-5s %s%n", p.kind, p.pid, p.ppid, p.pgid,
                    p.state, p.leader() ? "leader" : "", p.jobId == null ? "-" : p.jobId,
                    p.jobName == null ? "-" : p.jobName, p.incarnation == null ? "-" : p.incarnation, shown(p)));
        }
        return b.toString();
    }

    /** The command line on one line: a wrapper's script left out, long ones cut. */
    private static String shown(Proc p) {
        String c = p.cmdline;
        int marker = c.indexOf("bgrun-wrapper");
        if (marker >= 0) {
            c = "sh -c <script> " + c.substring(marker);
        }
        c = c.replaceAll("\\s+", " ");
        return c.length() > 120 ? c.substring(0, 117) + "..." : c;
    }

    @Override
    public String toString() {
        return table();
    }

    /**
     * Ends, with SIGKILL and one pid at a time, every process of this state root that is still alive (the
     * daemon, clients, wrappers, jobs): all were started, directly or not, by the test that owns the root.
     * Returns the table of what was found before, or null when nothing was left.
     */
    static String reap(Path home) {
        ProcessAudit before = scan(home);
        if (before.all().isEmpty()) {
            return null;
        }
        org.awaitility.Awaitility.await("every process of " + home + " is gone").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    ProcessAudit now = scan(home);
                    for (Proc p : now.all()) {
                        if (p.stillAlive()) {
                            ProcessHandle.of(p.pid).ifPresent(ProcessHandle::destroyForcibly);
                        }
                    }
                    return now.all().isEmpty();
                });
        return before.table();
    }

    /** Counts per kind, for short progress notes. */
    Map<Kind, Integer> counts() {
        Map<Kind, Integer> counts = new LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            counts.put(k, of(k).size());
        }
        return counts;
    }
}
