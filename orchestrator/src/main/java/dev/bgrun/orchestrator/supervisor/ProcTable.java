package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.os.ProcFiles;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One reading of every process in {@code /proc} (pid, parent, group, state, start time), shared by everyone
 * who asked for it before it began. Finding a tree's descendants or a group's members needs the whole table
 * (this kernel has no {@code /proc/PID/task/TID/children}); a stop of 1,000 jobs at once asks 1,000 times, and
 * one scan per wave of askers, rather than one each, keeps that linear. A caller always gets a scan that began
 * after it asked, so what it sees is never older than its question.
 */
final class ProcTable {
    /** One process: its pid, parent, process group, state letter and kernel start time. */
    record Entry(long pid, long ppid, long pgid, char state, long start) {
        boolean zombie() {
            return state == 'Z' || state == 'X';
        }
    }

    private static final Object LOCK = new Object();
    /** The scan the next askers wait for (not begun yet), or null. */
    private static CompletableFuture<Map<Long, Entry>> next;
    private static boolean scanning;

    private ProcTable() {
    }

    /** A table read after this call began. */
    static Map<Long, Entry> fresh() {
        CompletableFuture<Map<Long, Entry>> mine;
        boolean runner;
        synchronized (LOCK) {
            if (next == null) {
                next = new CompletableFuture<>();
            }
            mine = next;
            runner = !scanning;
            if (runner) {
                scanning = true;
                next = null;
            }
        }
        if (runner) {
            CompletableFuture<Map<Long, Entry>> batch = mine;
            while (batch != null) { // scan for each wave that asked while the last scan ran
                batch.complete(scan());
                synchronized (LOCK) {
                    batch = next;
                    next = null;
                    if (batch == null) {
                        scanning = false;
                    }
                }
            }
        }
        return mine.join();
    }

    /** The live descendants of {@code pid} in the table (children, their children, ...). */
    static List<Entry> descendants(Map<Long, Entry> table, long pid) {
        Map<Long, List<Entry>> children = new HashMap<>();
        for (Entry e : table.values()) {
            children.computeIfAbsent(e.ppid(), k -> new ArrayList<>()).add(e);
        }
        List<Entry> out = new ArrayList<>();
        ArrayDeque<Long> todo = new ArrayDeque<>(List.of(pid));
        while (!todo.isEmpty()) {
            for (Entry child : children.getOrDefault(todo.poll(), List.of())) {
                if (!child.zombie()) {
                    out.add(child);
                }
                todo.add(child.pid());
            }
        }
        return out;
    }

    /** The live members of process group {@code pgid} in the table. */
    static List<Entry> members(Map<Long, Entry> table, long pgid) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : table.values()) {
            if (e.pgid() == pgid && !e.zombie()) {
                out.add(e);
            }
        }
        return out;
    }

    private static Map<Long, Entry> scan() {
        Map<Long, Entry> table = new HashMap<>();
        for (long pid : ProcFiles.pids()) { // throws rather than answer "no process" when /proc cannot be read
            Entry e = read(pid);
            if (e != null) {
                table.put(e.pid(), e);
            }
        }
        return table;
    }

    private static Entry read(long pid) {
        String stat = ProcFiles.read(pid, "stat");
        if (stat == null) {
            return null; // gone meanwhile
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new Entry(pid, Long.parseLong(f[1]), Long.parseLong(f[2]), f[0].charAt(0), Long.parseLong(f[19]));
    }
}
