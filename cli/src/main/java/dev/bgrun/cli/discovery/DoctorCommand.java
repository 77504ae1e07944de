package dev.bgrun.cli.discovery;

import dev.bgrun.cli.Output;
import dev.bgrun.cli.ProjectArgs;
import dev.bgrun.cli.VersionProvider;
import dev.bgrun.cli.jobs.Views;
import dev.bgrun.orchestrator.daemon.DaemonCalls;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.os.ProcStat;
import dev.bgrun.orchestrator.os.Resources;
import dev.bgrun.orchestrator.state.StateRoot;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code bgrun doctor}: whether bgrun can work here. Every check is read-only: it never creates the state root
 * and never starts a daemon.
 */
@Command(name = "doctor",
        description = "Check that bgrun can work here: the Java version, the state root, the daemon, process groups and disk space.",
        footerHeading = "%nExamples:%n",
        footer = {"  bgrun doctor",
                "  bgrun doctor --json",
                "",
                "Each check is ok, warn or fail; doctor changes nothing and never starts the daemon.",
                "Exit codes: 0 no check failed (warnings are fine), 1 a check failed."})
public final class DoctorCommand implements Callable<Integer> {
    /** Below this much free space where the logs are written, the disk check warns. */
    static final long LOW_FREE_BYTES = 1L << 30;
    /** Above this much job output kept, the disk check warns (clean removes ended jobs' logs). */
    static final long MANY_LOG_BYTES = 2L << 30;
    static final int REQUIRED_JAVA = 25;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    enum Status {
        OK, WARN, FAIL;

        String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One check's outcome; {@code facts} holds the numbers and paths behind the detail, for scripts. */
    record Check(String name, Status status, String detail, String hint, Map<String, Object> facts) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("status", status.keyword());
            m.put("detail", detail);
            m.put("hint", hint);
            m.put("facts", facts);
            return m;
        }
    }

    @Override
    public Integer call() {
        StateRoot root = dev.bgrun.cli.Invocation.current().stateRoot();
        List<Check> checks = List.of(java(), stateRoot(root), daemon(root), resources(root), processGroups(), disk(root));
        boolean ok = checks.stream().noneMatch(c -> c.status() == Status.FAIL);
        Output out = ProjectArgs.root(spec).output();
        if (out.json()) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("ok", ok);
            data.put("checks", checks.stream().map(Check::toJson).toList());
            out.data(data);
        } else {
            printHuman(out, checks);
        }
        return ok ? 0 : 1;
    }

    private static void printHuman(Output out, List<Check> checks) {
        boolean unicode = "UTF-8".equalsIgnoreCase(System.getProperty("stdout.encoding", ""));
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (Check c : checks) {
            String mark = switch (c.status()) {
                case OK -> out.green(unicode ? "✓" : "ok");
                case WARN -> out.yellow(unicode ? "!" : "!!");
                case FAIL -> out.red(unicode ? "✗" : "xx");
            };
            String pad = " ".repeat(width - c.name().length());
            out.line(mark + " " + out.bold(c.name()) + pad + "  " + c.detail());
            if (c.status() != Status.OK && c.hint() != null) {
                out.line(" ".repeat((unicode ? 1 : 2) + 1 + width + 2) + out.dim("hint: " + c.hint()));
            }
        }
        long failed = checks.stream().filter(c -> c.status() == Status.FAIL).count();
        long warned = checks.stream().filter(c -> c.status() == Status.WARN).count();
        if (failed > 0) {
            out.line(out.red(failed + (failed == 1 ? " check failed" : " checks failed"))
                    + (warned > 0 ? ", " + warned + (warned == 1 ? " warning" : " warnings") : ""));
        } else {
            out.line(out.green("bgrun can run here") + (warned > 0 ? " (" + warned + (warned == 1 ? " warning)" : " warnings)") : ""));
        }
    }

    static Check java() {
        Runtime.Version v = Runtime.version();
        String home = System.getProperty("java.home");
        Map<String, Object> facts = Json.object("version", v.toString(), "feature", v.feature(), "home", home,
                "vendor", System.getProperty("java.vendor"));
        if (v.feature() < REQUIRED_JAVA) {
            return new Check("java", Status.FAIL, "Java " + v + " at " + home + ": bgrun needs Java " + REQUIRED_JAVA + " or newer",
                    "install a JDK " + REQUIRED_JAVA + " or newer and point BGRUN_JAVA_HOME (or JAVA_HOME) at it", facts);
        }
        return new Check("java", Status.OK, "Java " + v + " at " + home, null, facts);
    }

    static Check stateRoot(StateRoot root) {
        Path dir = root.dir();
        String source = System.getProperty("bgrun.home") != null ? "bgrun.home"
                : notBlank(dev.bgrun.cli.Invocation.current().env("BGRUN_HOME")) ? "BGRUN_HOME"
                : notBlank(dev.bgrun.cli.Invocation.current().env("XDG_STATE_HOME")) ? "XDG_STATE_HOME" : "default";
        Map<String, Object> facts = Json.object("path", dir.toString(), "source", source);
        String where = dir + " (" + (source.equals("default") ? "the default" : "from " + source) + ")";
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                facts.put("exists", false);
                Path parent = existingAncestor(dir);
                if (parent != null && Files.isDirectory(parent) && Files.isWritable(parent)) {
                    return new Check("state-root", Status.OK, where + " does not exist yet; it is created (0700) when the daemon first starts",
                            null, facts);
                }
                return new Check("state-root", Status.FAIL, where + " does not exist and cannot be created: "
                        + (parent == null ? "no parent directory exists" : parent + " is not a writable directory"),
                        "point BGRUN_HOME at a directory you can write to", facts);
            }
            facts.put("exists", true);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return new Check("state-root", Status.FAIL, where + " is not a directory", "remove it, or point BGRUN_HOME elsewhere", facts);
            }
            String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            int ownerUid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int me = ProcStat.ownUid(); // a number: a uid without a passwd entry has no name
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
            facts.put("owner", owner);
            facts.put("mode", mode);
            if (ownerUid != me) {
                return new Check("state-root", Status.FAIL, where + " belongs to " + owner + " (uid " + ownerUid
                        + "), not to this user (uid " + me + ")",
                        "use a state root of your own: set BGRUN_HOME", facts);
            }
            if (!mode.equals("rwx------")) {
                return new Check("state-root", Status.FAIL, where + " is " + mode + ", not owner-only (rwx------): "
                        + "other users could read job output and environments", "chmod 700 " + dir, facts);
            }
            if (!Files.isWritable(dir)) {
                return new Check("state-root", Status.FAIL, where + " is not writable", "chmod 700 " + dir, facts);
            }
            return new Check("state-root", Status.OK, where + ": yours, owner-only (0700)", null, facts);
        } catch (IOException | UnsupportedOperationException e) {
            return new Check("state-root", Status.FAIL, "cannot inspect " + where + ": " + e.getMessage(),
                    "check the directory, or point BGRUN_HOME elsewhere", facts);
        }
    }

    @SuppressWarnings("unchecked")
    static Check daemon(StateRoot root) {
        Map<String, Object> facts = Json.object("socket", root.socket().toString());
        try (DaemonCalls client = dev.bgrun.cli.Invocation.current().daemonIfRunning(root)) {
            if (client == null) {
                facts.put("running", false);
                return new Check("daemon", Status.WARN, "not running (nothing answers on " + root.socket() + ")",
                        "nothing to do: the next job command (run, list, ...) starts it", facts);
            }
            Map<String, Object> status = (Map<String, Object>) client.call("daemon.status", Map.of());
            facts.put("running", true);
            facts.put("pid", status.get("pid"));
            facts.put("version", status.get("version"));
            facts.put("protocol", status.get("protocol"));
            String detail = "running, pid " + status.get("pid") + ", version " + status.get("version") + ", up "
                    + Views.duration(Duration.ofMillis(((Number) status.get("uptime_ms")).longValue())) + ", "
                    + status.get("live_jobs") + " live of " + status.get("jobs") + " jobs";
            Object deadlocked = status.get("deadlocked_threads");
            facts.put("deadlocked_threads", deadlocked);
            if (deadlocked instanceof List<?> threads && !threads.isEmpty()) {
                return new Check("daemon", Status.FAIL, detail + "; deadlocked threads: " + threads,
                        "a bug in bgrun: report it with " + root.daemonLog() + ", then `bgrun daemon stop` "
                                + "(jobs keep running; the next command starts a new daemon that re-adopts them)", facts);
            }
            String mine = VersionProvider.version();
            if (status.get("version") != null && !mine.equals(status.get("version"))) {
                return new Check("daemon", Status.WARN, detail + "; this bgrun is version " + mine,
                        "`bgrun daemon stop` (jobs keep running); the next command starts this version", facts);
            }
            return new Check("daemon", Status.OK, detail, null, facts);
        } catch (BgrunException e) {
            facts.put("error", e.type().name());
            return new Check("daemon", Status.FAIL, "a daemon answers but fails: " + e.getMessage(),
                    e.hint() != null ? e.hint() : "`bgrun daemon stop`, then run the command again", facts);
        }
    }

    /**
     * The daemon's use of its limits: open files of its file limit, threads, heap. Warns at 80% of the file
     * limit (beyond it, clients get ResourceExhausted). Without a daemon, the limit one started now would get.
     */
    @SuppressWarnings("unchecked")
    static Check resources(StateRoot root) {
        Map<String, Object> status = null;
        try (DaemonCalls client = dev.bgrun.cli.Invocation.current().daemonIfRunning(root)) {
            if (client != null) {
                status = (Map<String, Object>) client.call("daemon.status", Map.of());
            }
        } catch (BgrunException e) {
            status = null;
        }
        if (status == null || !(status.get("file_limit") instanceof Number limitNumber)) {
            long limit = Resources.fileLimit();
            return new Check("resources", Status.OK, "no daemon to measure; one started now may open "
                    + (limit < 0 || limit == Long.MAX_VALUE ? "unlimited" : limit) + " files (ulimit -n)", null,
                    Json.object("file_limit", limit));
        }
        long limit = limitNumber.longValue();
        long open = ((Number) status.get("open_files")).longValue();
        Map<String, Object> facts = Json.object("open_files", open, "file_limit", limit, "threads", status.get("threads"),
                "heap_used_bytes", status.get("heap_used_bytes"), "heap_max_bytes", status.get("heap_max_bytes"),
                "rss_bytes", status.get("rss_bytes"), "disk_free_bytes", status.get("disk_free_bytes"));
        String detail = open + " open files of " + (limit < 0 ? "no limit" : limit) + ", " + status.get("threads") + " threads, heap "
                + mib(status.get("heap_used_bytes")) + " of " + mib(status.get("heap_max_bytes")) + ", RSS " + mib(status.get("rss_bytes"))
                + ", " + mib(status.get("disk_free_bytes")) + " free on the state root's disk";
        if (limit > 0 && open * 5 >= limit * 4) {
            return new Check("resources", Status.WARN, detail + ": near the file limit",
                    "stop or clean jobs you no longer need, or raise the hard limit (ulimit -Hn) and restart the daemon "
                            + "(`bgrun daemon stop`; jobs keep running)", facts);
        }
        return new Check("resources", Status.OK, detail, null, facts);
    }

    private static String mib(Object bytes) {
        return bytes instanceof Number n ? (n.longValue() >> 20) + " MiB" : "?";
    }

    /** Jobs get their own session and group from bgrun-shim (a setsid call: no setsid binary needed); /proc must be readable. */
    static Check processGroups() {
        boolean proc;
        try {
            proc = !Files.readString(Path.of("/proc/self/stat")).isEmpty();
        } catch (IOException | RuntimeException e) {
            proc = false;
        }
        Map<String, Object> facts = Json.object("proc", proc);
        if (!proc) {
            return new Check("process-groups", Status.FAIL, "/proc is not readable: bgrun finds a job's processes there (stop, stats, recovery)",
                    "bgrun needs Linux with /proc mounted", facts);
        }
        return new Check("process-groups", Status.OK, "/proc readable; each job gets its own session and process group from bgrun-shim", null, facts);
    }

    static Check disk(StateRoot root) {
        Path jobs = root.jobsDir();
        long[] sizeAndJobs = logUse(jobs);
        Map<String, Object> facts = Json.object("jobs_dir", jobs.toString(), "log_bytes", sizeAndJobs[0], "jobs", sizeAndJobs[1]);
        Path existing = existingAncestor(root.dir());
        if (existing == null) {
            return new Check("disk", Status.WARN, "no part of " + root.dir() + " exists to measure free space on", null, facts);
        }
        try {
            FileStore store = Files.getFileStore(existing);
            long free = store.getUsableSpace();
            long total = store.getTotalSpace();
            facts.put("free_bytes", free);
            facts.put("total_bytes", total);
            String detail = "job logs " + bytes(sizeAndJobs[0]) + " in " + sizeAndJobs[1]
                    + (sizeAndJobs[1] == 1 ? " job" : " jobs") + "; " + bytes(free) + " free of " + bytes(total);
            if (free < LOW_FREE_BYTES) {
                return new Check("disk", Status.WARN, detail + ": low", "free space on that filesystem; `bgrun clean` removes ended jobs and their logs", facts);
            }
            if (sizeAndJobs[0] > MANY_LOG_BYTES) {
                return new Check("disk", Status.WARN, detail + ": the logs are large", "`bgrun clean` removes ended jobs and their logs", facts);
            }
            return new Check("disk", Status.OK, detail, null, facts);
        } catch (IOException e) {
            return new Check("disk", Status.WARN, "cannot measure free space on " + existing + ": " + e.getMessage(), null, facts);
        }
    }

    /** Bytes of every file under the jobs directory, and the number of job directories. */
    private static long[] logUse(Path jobs) {
        long[] result = new long[2];
        if (!Files.isDirectory(jobs)) {
            return result;
        }
        try (Stream<Path> dirs = Files.list(jobs)) {
            result[1] = dirs.filter(Files::isDirectory).count();
        } catch (IOException e) {
            // unreadable: counted as none
        }
        try {
            Files.walkFileTree(jobs, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        result[0] += attrs.size();
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE; // a job removed meanwhile, or unreadable
                }
            });
        } catch (IOException e) {
            // counted as far as it got
        }
        return result;
    }

    private static Path existingAncestor(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
