package dev.bgrun.orchestrator.os;


/**
 * Facts about a process read from {@code /proc}: its kernel start time (which, with the pid, names a process
 * uniquely: a pid alone can be reused), whether it is a zombie, its resident memory, its user.
 */
public final class ProcStat {
    private static final long PAGE_SIZE = 4096;

    private ProcStat() {
    }

    /** The fields of {@code /proc/PID/stat} after the command name, or null when the process is gone. */
    private static String[] fields(long pid) {
        String stat = ProcFiles.read(pid, "stat"); // null only when the process is gone, never for a full file table
        if (stat == null) {
            return null;
        }
        // The command name is in parentheses and may hold spaces or parentheses itself.
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** The kernel start time in clock ticks since boot, or -1 when the process is gone. */
    public static long startTime(long pid) {
        String[] f = fields(pid);
        return f == null ? -1 : Long.parseLong(f[19]);
    }

    /** Whether a process with this pid and start time is running (a zombie counts as gone). */
    public static boolean alive(long pid, long startTime) {
        String[] f = fields(pid);
        return f != null && !f[0].equals("Z") && !f[0].equals("X") && (startTime < 0 || Long.parseLong(f[19]) == startTime);
    }

    /** Resident memory in bytes, 0 when the process is gone. */
    public static long rssBytes(long pid) {
        String[] f = fields(pid);
        return f == null ? 0 : Long.parseLong(f[21]) * PAGE_SIZE;
    }

    /** CPU time used so far (user and system) in clock ticks, 0 when the process is gone. */
    public static long cpuTicks(long pid) {
        String[] f = fields(pid);
        return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Its number of threads, 0 when the process is gone. */
    public static int threads(long pid) {
        String[] f = fields(pid);
        return f == null ? 0 : Integer.parseInt(f[17]);
    }

    /**
     * The real uid of this process: a number, which unlike a user name exists without a passwd entry. Read from
     * {@code /proc/self/status} rather than called through the foreign-function linker: linking one native
     * call costs a short-lived JVM (the thin client) about 35 ms of CPU.
     */
    public static int ownUid() {
        String status = ProcFiles.read(ProcessHandle.current().pid(), "status");
        if (status != null) {
            for (String line : status.split("\n")) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
                }
            }
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }
}
