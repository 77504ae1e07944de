package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import dev.bgrun.cli.ProcessAudit.Proc;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor's races (issue 10), each repeated against the real daemon: the packaged CLI as subprocesses,
 * each call with a deadline (a call that does not answer is a hang, and the failure carries a thread dump of
 * the daemon), and the processes of the test's state root audited from /proc ({@link ProcessAudit}): any
 * extra or missing process fails the test, with the audit table in the message.
 */
class SupervisorStressIT {
    /** A single CLI call that takes longer than this is a hang (generous: a loaded 2-core CI machine). */
    private static final Duration CALL = Duration.ofSeconds(45);
    /** For calls that act on 100 jobs or more at once. */
    private static final Duration LONG_CALL = Duration.ofSeconds(90);
    private static final Set<String> ENDED = Set.of("exited", "failed", "stopped", "blocked");
    private static final Set<String> RUNNING = Set.of("running", "ready");

    @TempDir
    Path tmp;

    // ---- 1. ready-then-exit

    @Test
    void readyThenExitNeverDeadlocksTheDaemon() throws IOException {
        try (Stress s = new Stress(tmp)) {
            StringBuilder toml = new StringBuilder("workspace = \"rte\"\n");
            for (int i = 0; i < 20; i++) {
                toml.append("[jobs.j%02d]\ncmd = \"sleep 0.3 && echo ready\"\nready-when = \"ready\"\n".formatted(i));
            }
            BgrunProcess.project(s.work(), toml.toString());
            for (int round = 1; round <= 30; round++) {
                String what = "round " + round;
                Result group = s.cli(CALL, "run-group", "--detach");
                assertThat(group.exitCode()).as(what + ": run-group --detach\n" + group).isZero();
                awaitNoJobProcess(s, what, Duration.ofSeconds(60));
                Future<JsonNode> daemon = s.async(() -> s.checkDaemon(what));
                await(what + ": list shows all 20 jobs ended").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            List<JsonNode> jobs = s.list();
                            return jobs.size() == 20 && jobs.stream().allMatch(j -> ENDED.contains(state(j)));
                        });
                s.get(daemon, CALL.plusSeconds(30));
            }
        }
    }

    // ---- 2. concurrent restarts

    @Test
    void concurrentRestartsLeaveExactlyOneProcess() throws Exception {
        try (Stress s = new Stress(tmp)) {
            s.json(CALL, "run", "--name", "t", "--", "sleep", "300");
            for (int round = 1; round <= 10; round++) {
                String what = "round " + round;
                List<Future<Result>> calls = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    calls.add(s.async(() -> s.cli(CALL, "restart", "t")));
                }
                List<String> problems = new ArrayList<>();
                for (Result r : s.all(calls, CALL.plusSeconds(30))) {
                    if (r.exitCode() != 0) {
                        problems.add("a restart failed: " + r);
                    }
                }
                ProcessAudit now = s.audit();
                JsonNode status = s.status("t");
                List<String> one = exactlyOneSleep(now, status);
                if (!one.isEmpty()) {
                    problems.addAll(one);
                    problems.add("right after the round:\n" + now.table() + "status t: " + brief(status));
                    // Tell a transient double from a lasting one.
                    try {
                        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                                .until(() -> exactlyOneSleep(s.audit(), s.status("t")).isEmpty());
                        problems.add("(it settled to exactly one within 10 s)");
                    } catch (ConditionTimeoutException e) {
                        ProcessAudit later = s.audit();
                        problems.add("still wrong 10 s later: " + exactlyOneSleep(later, s.status("t")) + "\n"
                                + later.table());
                    }
                }
                assertThat(problems).as(what + ": 20 concurrent `restart t`").isEmpty();
            }
            Result stop = s.cli(CALL, "stop", "t");
            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            ProcessAudit after = s.audit();
            assertThat(after.named("t")).as("processes of t right after `stop t` answered\n" + after.table()).isEmpty();
        }
    }

    private static List<String> exactlyOneSleep(ProcessAudit audit, JsonNode status) {
        List<Proc> sleeps = audit.named("t").stream().filter(p -> p.cmdline().equals("sleep 300")).toList();
        List<String> problems = new ArrayList<>();
        if (sleeps.size() != 1) {
            problems.add(sleeps.size() + " live `sleep 300` processes of job t, pids "
                    + sleeps.stream().map(Proc::pid).toList() + ", expected exactly one");
        }
        long pid = status.path("pid").asLong(-1);
        if (sleeps.stream().noneMatch(p -> p.pid() == pid)) {
            problems.add("status t says pid " + pid + " (state " + state(status) + "), which is not a live `sleep 300` of t");
        }
        return problems;
    }

    // ---- 3. a start during a slow stop

    @ParameterizedTest(name = "cmd as {0}")
    @ValueSource(strings = {"string", "array"})
    void startDuringASlowStopWaitsForTheOldIncarnation(String form) throws Exception {
        try (Stress s = new Stress(tmp)) {
            // TERM makes the script linger 3 s (within the default 5 s stop-timeout), leaving a file as a sign.
            Files.writeString(s.work().resolve("slow.sh"), """
                    trap 'touch "got-term-$BGRUN_JOB_NAME"; sleep 3; exit 0' TERM
                    echo up
                    while :; do sleep 0.1; done
                    """);
            String job = "slow-" + form;
            List<String> run = new ArrayList<>(List.of("run", "--name", job, "--ready-when", "up", "--"));
            run.addAll(form.equals("string") ? List.of("sh slow.sh") : List.of("sh", "slow.sh"));
            String[] runArgs = run.toArray(String[]::new);

            s.json(CALL, runArgs);
            Result ready = s.cli(CALL, "wait", job, "--timeout", "60s");
            assertThat(ready.exitCode()).as(ready.toString()).isZero();
            JsonNode before = s.status(job);
            int oldIncarnation = before.get("incarnation").asInt();
            ProcessAudit old = s.audit();
            List<Proc> oldProcs = old.named(job);
            assertThat(oldProcs).as("the first incarnation's processes\n" + old.table()).isNotEmpty();

            Path gotTerm = s.work().resolve("got-term-" + job);
            Future<Map.Entry<Result, ProcessAudit>> stop = s.async(() -> {
                Result r = s.cli(CALL, "stop", job);
                return Map.entry(r, s.audit()); // taken the moment stop has answered
            });
            await("the old incarnation got TERM").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> Files.exists(gotTerm) || stop.isDone());
            boolean termSeenFirst = Files.exists(gotTerm);
            // From now on, never two incarnations at once: the old one's group must be gone before a new one.
            Watcher neverTwo = new Watcher(s, a -> a.incarnationProblems());
            Future<Result> start = s.async(() -> s.cli(CALL, runArgs));

            Map.Entry<Result, ProcessAudit> stopped = s.get(stop, CALL.plusSeconds(30));
            Result started = s.get(start, CALL.plusSeconds(30));
            List<String> problems = new ArrayList<>();
            if (!termSeenFirst) {
                problems.add("precondition: stop answered before the old incarnation reported TERM");
            }
            if (stopped.getKey().exitCode() != 0) {
                problems.add("stop failed: " + stopped.getKey());
            }
            List<Proc> leftAtStop = stopped.getValue().all().stream()
                    .filter(p -> oldProcs.stream().anyMatch(o -> o.pid() == p.pid() && o.startTime() == p.startTime()))
                    .toList();
            if (!leftAtStop.isEmpty()) {
                problems.add("stop answered while processes of the old incarnation were alive: "
                        + leftAtStop.stream().map(p -> p.pid() + " " + p.cmdline()).toList());
            }
            JsonNode startedJob = null;
            if (started.exitCode() != 0) {
                problems.add("the run during the stop failed: " + started);
            } else {
                startedJob = parse(started);
                if (startedJob.path("reused").asBoolean(true)) {
                    problems.add("the run during the stop answered \"reused\": true (the stopping incarnation): "
                            + brief(startedJob));
                }
                if (startedJob.path("incarnation").asInt() <= oldIncarnation) {
                    problems.add("the run during the stop answered incarnation " + startedJob.path("incarnation")
                            + ", not a new one after " + oldIncarnation);
                }
            }
            Result settled = s.cli(CALL, "wait", job, "--timeout", "60s");
            JsonNode after = s.status(job);
            if (!RUNNING.contains(state(after))) {
                problems.add("after both answered the job is " + state(after) + " (" + after.path("reason").asText()
                        + "), expected the new incarnation running or ready; wait said: " + settled);
            }
            ProcessAudit now = s.audit();
            List<Proc> leaders = now.named(job).stream().filter(Proc::leader).toList();
            if (leaders.size() != 1 || leaders.getFirst().pid() != after.path("pid").asLong(-1)) {
                problems.add("expected exactly one instance, the one status reports (pid " + after.path("pid")
                        + "); group leaders of the job: " + leaders.stream().map(Proc::pid).toList());
            }
            if (oldProcs.stream().anyMatch(Proc::stillAlive)) {
                problems.add("processes of the old incarnation are still alive");
            }
            problems.addAll(neverTwo.stop(s));
            assertThat(problems).as("stop " + job + " racing run " + job + "\nold incarnation:\n" + old.table()
                    + "when stop answered:\n" + stopped.getValue().table() + "now:\n" + now.table()
                    + "status: " + brief(after) + "\ntransitions: " + after.path("transitions")).isEmpty();
        }
    }

    // ---- 4. stop racing restart racing an exit

    @Test
    void stopRacingRestartRacingAnExit() throws Exception {
        try (Stress s = new Stress(tmp)) {
            s.json(CALL, "run", "--name", "f", "--restart", "on-failure", "--backoff-ms", "50", "--ready-when", "up",
                    "--", "sh -c 'echo up; sleep 0.5; exit 1'");
            List<String> problems = new ArrayList<>();
            for (int round = 1; round <= 10; round++) {
                String what = "round " + round + ": ";
                if (round > 1) {
                    Result r = s.cli(CALL, "restart", "f"); // answers once spawned; the exit follows 0.5 s later
                    if (r.exitCode() != 0) {
                        problems.add(what + "restart before the race failed: " + r);
                    }
                }
                // Both calls take a JVM start (~0.3-0.5 s here), which lands them about when the job exits.
                boolean stopFirst = round % 2 == 1;
                Future<Result> a = s.async(() -> s.cli(CALL, stopFirst ? "stop" : "restart", "f"));
                Future<Result> b = s.async(() -> s.cli(CALL, stopFirst ? "restart" : "stop", "f"));
                Result ra = s.get(a, CALL.plusSeconds(30));
                Result rb = s.get(b, CALL.plusSeconds(30));
                for (Result r : List.of(ra, rb)) {
                    if (r.exitCode() != 0) {
                        problems.add(what + "a call failed: " + r);
                    }
                }
                problems.addAll(watch(s, Duration.ofSeconds(1), ProcessAudit::incarnationProblems).stream()
                        .map(p -> what + p).toList());
            }
            Result stop = s.cli(CALL, "stop", "f");
            if (stop.exitCode() != 0) {
                problems.add("final stop failed: " + stop);
            }
            ProcessAudit now = s.audit();
            if (!now.named("f").isEmpty()) {
                problems.add("processes of f right after the final stop answered:\n" + now.table());
            }
            // A restart scheduled before the stop must not fire after it (backoff is 50 ms).
            problems.addAll(watch(s, Duration.ofMillis(1500), a -> a.named("f").isEmpty() ? List.of()
                    : List.of("a process of f appeared after the final stop")));
            JsonNode status = s.status("f");
            if (!state(status).equals("stopped")) {
                problems.add("after the final stop f is " + brief(status));
            }
            assertThat(problems).as("stop/restart/exit races").isEmpty();
        }
    }

    // ---- 5. kill -9 of the daemon during a 100-job release

    @ParameterizedTest(name = "killed once {0} job processes are up")
    @ValueSource(ints = {1, 10, 50})
    void daemonKilledDuringAGroupRelease(int threshold) throws Exception {
        try (Stress s = new Stress(tmp)) {
            StringBuilder toml = new StringBuilder("workspace = \"big\"\n");
            for (int i = 0; i < 100; i++) {
                toml.append("[jobs.j%03d]\ncmd = \"sleep 300\"\n".formatted(i));
            }
            BgrunProcess.project(s.work(), toml.toString());
            s.list(); // starts the daemon
            long daemon = s.daemonPid();
            Future<Result> group = s.async(() -> s.cli(LONG_CALL, "run-group", "--detach"));
            await("job processes appear").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(2))
                    .until(() -> s.audit().jobs().size() >= threshold || group.isDone());
            boolean answeredFirst = group.isDone(); // then the kill came after the release, not during it
            ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
            ProcessAudit atKill = s.audit();
            await("the killed daemon is gone").atMost(Duration.ofSeconds(30)).until(() -> !Daemon.alive(daemon));
            Result released = s.get(group, LONG_CALL.plusSeconds(30));
            System.out.printf("[stress 5/%d] daemon %d killed with %d job processes up%s; run-group exit %d %s%n",
                    threshold, daemon, atKill.jobs().size(), answeredFirst ? " (run-group had already answered)" : "",
                    released.exitCode(), released.err().strip());
            auditAfterCrash(s, "kill -9 during a 100-job run-group (at " + threshold + " processes)", Set.of());
        }
    }

    // ---- 6. kill -9 during 200 concurrent runs

    @Test
    void daemonKilledDuringConcurrentRuns() throws Exception {
        try (Stress s = new Stress(tmp); ExecutorService pool = Executors.newFixedThreadPool(16)) {
            s.list();
            long daemon = s.daemonPid();
            AtomicInteger answered = new AtomicInteger();
            Map<String, Future<Result>> runs = new LinkedHashMap<>();
            for (int i = 0; i < 200; i++) {
                String name = "j" + i;
                runs.put(name, pool.submit(() -> {
                    try {
                        return s.cli(CALL, "run", "--name", name, "--", "sleep", "300");
                    } finally {
                        answered.incrementAndGet();
                    }
                }));
            }
            await("half the runs answered").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(10))
                    .until(() -> answered.get() >= 100);
            ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
            int atKill = answered.get();
            await("the killed daemon is gone").atMost(Duration.ofSeconds(30)).until(() -> !Daemon.alive(daemon));
            Map<Integer, Integer> codes = new TreeMap<>();
            Set<String> acknowledged = new HashSet<>();
            for (var e : runs.entrySet()) {
                Result r = s.get(e.getValue(), Duration.ofSeconds(240));
                codes.merge(r.exitCode(), 1, Integer::sum);
                if (r.exitCode() == 0) {
                    acknowledged.add(e.getKey());
                }
            }
            System.out.printf("[stress 6] daemon %d killed after %d answers; exit codes %s%n", daemon, atKill, codes);
            auditAfterCrash(s, "kill -9 during 200 concurrent runs", acknowledged);
        }
    }

    /**
     * After a daemon crash: a new one (brought by list) must agree with the processes: every job main process
     * belongs to a job list shows alive with that pid, one per job, every running job's pid is alive; every
     * acknowledged job is known. Then stop --all leaves no process but the daemon.
     */
    private void auditAfterCrash(Stress s, String what, Set<String> acknowledged) {
        AtomicReference<String> last = new AtomicReference<>("");
        try {
            await(what + ": the new daemon agrees with /proc").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        List<JsonNode> jobs = s.list();
                        ProcessAudit audit = s.audit();
                        List<String> problems = consistency(jobs, audit);
                        Set<String> names = jobs.stream().map(j -> j.get("name").asText()).collect(Collectors.toSet());
                        acknowledged.stream().filter(n -> !names.contains(n)).sorted()
                                .forEach(n -> problems.add("job " + n + " was acknowledged by run (exit 0) but list does not know it"));
                        last.set(String.join("\n", problems) + "\n" + audit.table() + "list:\n"
                                + jobs.stream().map(SupervisorStressIT::brief).collect(Collectors.joining("\n")));
                        return problems.isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": after a new daemon came up, /proc and list still disagree after 30 s:\n"
                    + last.get(), e);
        }
        Result stop = s.cli(LONG_CALL, "stop", "--all");
        assertThat(stop.exitCode()).as(what + ": stop --all\n" + stop).isZero();
        awaitNoJobProcess(s, what + ": after stop --all", Duration.ofSeconds(15));
    }

    /** Problems between what list says and what runs. */
    private static List<String> consistency(List<JsonNode> jobs, ProcessAudit audit) {
        List<String> problems = new ArrayList<>(audit.incarnationProblems());
        Map<String, JsonNode> byId = new HashMap<>();
        jobs.forEach(j -> byId.put(j.get("id").asText(), j));
        Map<Long, Proc> leaders = new HashMap<>();
        for (Proc p : audit.jobs()) {
            if (p.leader()) {
                leaders.put(p.pid(), p);
                JsonNode job = byId.get(p.jobId());
                if (job == null) {
                    problems.add("main process " + p.pid() + " of job id " + p.jobId() + ", which list does not show");
                } else if (ENDED.contains(state(job))) {
                    problems.add("main process " + p.pid() + " of " + job.get("name").asText() + ", which list shows "
                            + state(job) + " (" + job.path("reason").asText() + ")");
                } else if (job.path("pid").asLong(-1) != p.pid()) {
                    problems.add("main process " + p.pid() + " of " + job.get("name").asText() + ", which list shows "
                            + state(job) + " with pid " + job.path("pid"));
                }
            }
        }
        for (Proc p : audit.jobs()) {
            if (!p.leader() && !leaders.containsKey(p.pgid())) {
                problems.add("process " + p.pid() + " (" + p.cmdline() + ") of job " + p.jobName()
                        + " is in group " + p.pgid() + ", which has no live leader");
            }
        }
        for (JsonNode job : jobs) {
            if (RUNNING.contains(state(job))) {
                long pid = job.path("pid").asLong(-1);
                Proc p = leaders.get(pid);
                if (p == null || !p.jobId().equals(job.get("id").asText())) {
                    problems.add("list shows " + job.get("name").asText() + " " + state(job) + " with pid " + pid
                            + ", but no such main process of it is alive");
                }
            } else if (!ENDED.contains(state(job))) {
                problems.add("list shows " + job.get("name").asText() + " " + state(job) + " (not yet settled)");
            }
        }
        return problems;
    }

    // ---- 7. kill -9 during restarts

    @Test
    void daemonKilledWhileItRestartsAJob() throws Exception {
        try (Stress s = new Stress(tmp)) {
            s.json(CALL, "run", "--name", "r", "--restart", "on-failure", "--backoff-ms", "50",
                    "--", "sh -c 'echo up; sleep 0.2; exit 1'");
            List<String> problems = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                String what = "kill " + (k + 1) + ": ";
                long daemon = s.checkDaemon(what).get("pid").asLong(); // the previous recovery left it sound
                boolean atSpawn = k % 2 == 0;
                // Even kills: the moment a new incarnation's main process appears. Odd: in the backoff gap, when
                // the last one has gone and the next is not there yet.
                Set<Long> seen = new HashSet<>(leadersOf(s.audit(), "r"));
                boolean[] hadOne = {!seen.isEmpty()};
                await(what + "the moment to kill").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                        .until(() -> {
                            List<Long> leaders = leadersOf(s.audit(), "r");
                            if (atSpawn) {
                                return leaders.stream().anyMatch(p -> !seen.contains(p));
                            }
                            hadOne[0] |= !leaders.isEmpty();
                            return hadOne[0] && leaders.isEmpty();
                        });
                Watcher watcher = new Watcher(s, ProcessAudit::incarnationProblems);
                ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
                await(what + "the killed daemon is gone").atMost(Duration.ofSeconds(30)).until(() -> !Daemon.alive(daemon));
                s.list(); // a new daemon, which re-adopts the job
                int incarnation = s.status("r").get("incarnation").asInt();
                // The new daemon goes on restarting r: two more incarnations' main processes come and go.
                Set<Long> before = new HashSet<>(leadersOf(s.audit(), "r"));
                Set<Long> fresh = new HashSet<>();
                try {
                    await(what + "the new daemon keeps restarting r").atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(5)).until(() -> {
                                leadersOf(s.audit(), "r").stream().filter(p -> !before.contains(p)).forEach(fresh::add);
                                return fresh.size() >= 2;
                            });
                } catch (ConditionTimeoutException e) {
                    problems.add(what + "the new daemon did not go on restarting r (incarnation " + incarnation
                            + " after it came up): " + brief(s.status("r")));
                }
                problems.addAll(watcher.stop(s).stream().map(p -> what + p).toList());
                problems.addAll(consistencyOfOneJob(s, "r").stream().map(p -> what + p).toList());
                JsonNode now = s.status("r");
                if (now.get("incarnation").asInt() <= incarnation || ENDED.contains(state(now))) {
                    problems.add(what + "after recovery r is " + brief(now) + ", after incarnation " + incarnation);
                }
            }
            Result stop = s.cli(CALL, "stop", "r");
            if (stop.exitCode() != 0) {
                problems.add("stop failed: " + stop);
            }
            problems.addAll(watch(s, Duration.ofMillis(1500), a -> a.named("r").isEmpty() ? List.of()
                    : List.of("a process of r is alive after stop answered")));
            assertThat(problems).as("kill -9 of the daemon while it restarts a job").isEmpty();
        }
    }

    /** Processes of the job that no incarnation the daemon knows accounts for (beyond its current one). */
    private static List<String> consistencyOfOneJob(Stress s, String name) {
        JsonNode status = s.status(name);
        ProcessAudit a = s.audit();
        List<String> problems = new ArrayList<>();
        for (Proc p : a.named(name)) {
            if (p.leader() && p.pid() != status.path("pid").asLong(-1) && p.stillAlive()) {
                // The job may just have moved on: look again before calling it an orphan.
                JsonNode again = s.status(name);
                if (p.stillAlive() && p.pid() != again.path("pid").asLong(-1)) {
                    problems.add("main process " + p.pid() + " of " + name + " is not the one status reports ("
                            + brief(again) + ")\n" + a.table());
                }
            }
        }
        return problems;
    }

    private static List<Long> leadersOf(ProcessAudit audit, String name) {
        return audit.named(name).stream().filter(Proc::leader).map(Proc::pid).toList();
    }

    // ---- 8. signals the daemon was started with are not the job's

    @Test
    void jobsDoNotInheritIgnoredSignals() throws Exception {
        try (Stress s = new Stress(tmp)) {
            Result boot = BgrunProcess.run(s.work(), s.env(), List.of("bash", "-c",
                    "trap '' INT HUP; exec '" + BgrunProcess.JAVA + "' -jar '" + BgrunProcess.JAR + "' list"));
            assertThat(boot.exitCode()).as(boot.toString()).isZero();
            long daemon = s.daemonPid();
            String daemonIgnores = sigIgn(daemon);

            s.json(CALL, "run", "--stop-signal", "INT", "--name", "s", "--ready-when", "up", "--",
                    "sh", "-c", "trap 'echo got-int; exit 0' INT; echo up; while :; do sleep 0.1; done");
            Result ready = s.cli(CALL, "wait", "s", "--timeout", "60s");
            assertThat(ready.exitCode()).as(ready.toString()).isZero();
            long pid = s.status("s").get("pid").asLong();
            String jobIgnores = sigIgn(pid);
            ProcessAudit running = s.audit();
            List<String> problems = new ArrayList<>();
            long mask = Long.parseUnsignedLong(jobIgnores, 16);
            if ((mask & 0b10) != 0) {
                problems.add("the job's main process " + pid + " ignores SIGINT (SigIgn " + jobIgnores + ")");
            }
            if ((mask & 0b01) != 0) {
                problems.add("the job's main process " + pid + " ignores SIGHUP (SigIgn " + jobIgnores + ")");
            }
            Result stop = s.cli(CALL, "stop", "s");
            if (stop.exitCode() != 0) {
                problems.add("stop failed: " + stop);
            }
            JsonNode status = s.status("s");
            JsonNode tail = s.json(CALL, "tail", "s");
            boolean gotInt = false;
            for (JsonNode line : tail.path("lines")) {
                gotInt |= line.path("content").asText().contains("got-int");
            }
            if (!gotInt) {
                problems.add("the job's log has no got-int: INT never reached its trap; log: " + tail.path("lines"));
            }
            boolean byKill = "KILL".equals(status.path("signal").asText(null));
            if (byKill || !(status.path("exit_code").asInt(-1) == 0 || !status.path("signal").isNull())) {
                problems.add("the job did not end by INT: " + brief(status));
            }
            assertThat(problems).as("job of a daemon started with INT and HUP ignored (the daemon's SigIgn "
                    + daemonIgnores + ")\nwhile the job ran:\n" + running.table()).isEmpty();
        }
    }

    private static String sigIgn(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).map(l -> l.substring("SigIgn:".length()).strip())
                .findFirst().orElseThrow();
    }

    // ---- helpers

    /**
     * Watches the processes for {@code window}: the first problem the check reports, with the table of that
     * moment, or nothing.
     */
    private static List<String> watch(Stress s, Duration window, Function<ProcessAudit, List<String>> check) {
        AtomicReference<List<String>> first = new AtomicReference<>();
        try {
            await().during(window).atMost(window.plusSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
                ProcessAudit a = s.audit();
                List<String> p = check.apply(a);
                if (!p.isEmpty()) {
                    List<String> found = new ArrayList<>(p);
                    found.add(a.table());
                    first.compareAndSet(null, found);
                }
                return p.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            // reported below, with the first problem seen
        }
        return first.get() == null ? List.of() : first.get();
    }

    /** Audits the processes every ~10 ms in the background until stopped; keeps the first problem seen. */
    static final class Watcher {
        private final AtomicBoolean watching = new AtomicBoolean(true);
        private final CompletableFuture<List<String>> result;

        Watcher(Stress s, Function<ProcessAudit, List<String>> check) {
            result = CompletableFuture.supplyAsync(() -> {
                List<String> found = new ArrayList<>();
                while (watching.get()) {
                    ProcessAudit a = s.audit();
                    List<String> p = check.apply(a);
                    if (!p.isEmpty() && found.isEmpty()) {
                        found.addAll(p);
                        found.add("seen at " + Instant.now() + ":\n" + a.table());
                    }
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // the pace of observation, not a wait
                }
                return found;
            }, s.pool);
        }

        /** Stops watching: the first problem seen and the table of that moment, or nothing. */
        List<String> stop(Stress s) {
            watching.set(false);
            return s.get(result, Duration.ofSeconds(30));
        }
    }

    /** Waits until no job process and no wrapper of the state root is alive; fails with the table if one is left. */
    private static void awaitNoJobProcess(Stress s, String what, Duration atMost) {
        AtomicReference<ProcessAudit> last = new AtomicReference<>();
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
                ProcessAudit a = s.audit();
                last.set(a);
                return a.jobs().isEmpty() && a.internal().isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": job processes still alive after " + atMost.toSeconds() + " s\n"
                    + last.get().table(), e);
        }
    }

    static String state(JsonNode job) {
        return job.path("state").asText();
    }

    /** The fields of a job that matter here, on one line. */
    static String brief(JsonNode job) {
        return job.path("name").asText() + " " + job.path("id").asText() + " state=" + state(job) + " pid="
                + job.path("pid") + " incarnation=" + job.path("incarnation") + " exit_code=" + job.path("exit_code")
                + " signal=" + job.path("signal") + " reason=" + job.path("reason");
    }

    static JsonNode parse(Result r) {
        try {
            return Daemon.JSON.readTree(r.out());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r, e);
        }
    }

    /**
     * One test's bgrun world: a {@link Daemon} home, CLI calls with deadlines, and a teardown that checks the
     * daemon for deadlocked threads, stops everything, and then audits /proc: whatever is left is killed (by
     * pid) and fails the test.
     */
    static final class Stress implements AutoCloseable {
        /**
         * The launcher's start-up options (scripts/lib/run-jar.sh), with the thin client's AOT cache that the
         * launcher makes (--make-aot-caches) next to the jar: a CLI call then costs about half the CPU, which matters
         * with hundreds of calls on 2 cores. Without a cache (training failed), CDS as BgrunProcess does.
         */
        private static final List<String> JVM_OPTIONS = jvmOptions();

        private final Daemon d;
        private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        private final AtomicBoolean dumped = new AtomicBoolean();
        /** Set once a call hung: the teardown then does not wait on the daemon again, it reaps. */
        private final AtomicBoolean hung = new AtomicBoolean();

        Stress(Path tmp) throws IOException {
            this.d = new Daemon(tmp);
        }

        private static List<String> jvmOptions() {
            List<String> base = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED");
            Path jar = BgrunProcess.JAR;
            String name = jar.getFileName().toString();
            Path aot = jar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + ".aot");
            try {
                Process making = new ProcessBuilder(BgrunProcess.RUN_JAR.toString(), Path.of(BgrunProcess.JAVA).getParent().getParent().toString(),
                        jar.toString(), "--make-aot-caches").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                if (!making.waitFor(300, TimeUnit.SECONDS)) {
                    making.destroyForcibly();
                }
                // The launcher's test: a cache with the jar's modification time is of this build.
                if (Files.exists(aot) && Files.getLastModifiedTime(aot).equals(Files.getLastModifiedTime(jar))) {
                    List<String> options = new ArrayList<>(base);
                    options.addAll(List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off"));
                    return List.copyOf(options);
                }
            } catch (IOException e) {
                // no cache: slower, not wrong
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<String> options = new ArrayList<>(base);
            options.add("-Xshare:auto");
            return List.copyOf(options);
        }

        Path work() {
            return d.work;
        }

        Path home() {
            return d.home;
        }

        Map<String, String> env() {
            return d.env();
        }

        ProcessAudit audit() {
            return ProcessAudit.scan(d.home);
        }

        /** {@code bgrun ARGS} that must answer within {@code deadline}, else it is killed and the test fails. */
        Result cli(Duration deadline, String... args) {
            List<String> command = new ArrayList<>(List.of(BgrunProcess.JAVA));
            command.addAll(JVM_OPTIONS);
            Path clientJar = BgrunProcess.JAR.resolveSibling("bgrun-client.jar"); // as the launcher runs a call
            command.addAll(List.of("-jar", (Files.exists(clientJar) ? clientJar : BgrunProcess.JAR).toString()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(d.work.toFile());
            builder.environment().remove("NO_COLOR");
            builder.environment().putAll(d.env());
            builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            try {
                if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    hung.set(true);
                    String diagnostics = diagnostics();
                    process.destroyForcibly();
                    throw new AssertionError("HANG: `bgrun " + String.join(" ", args) + "` did not answer within "
                            + deadline.toSeconds() + " s\n" + diagnostics);
                }
                return new Result(process.exitValue(), out.join(), err.join());
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted: bgrun " + String.join(" ", args), e);
            }
        }

        private CompletableFuture<String> read(InputStream in) {
            return CompletableFuture.supplyAsync(() -> {
                try (in) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(read failed: " + e + ")";
                }
            }, pool);
        }

        /** The audit, and (once per test) a thread dump of the daemon, written in full to target/stress-dumps. */
        private String diagnostics() {
            ProcessAudit audit = audit();
            StringBuilder b = new StringBuilder(audit.table());
            if (!dumped.compareAndSet(false, true)) {
                return b.toString();
            }
            for (Proc daemon : audit.daemons()) {
                b.append(threadDump(daemon.pid()));
            }
            return b.toString();
        }

        /** jcmd Thread.print; if that fails, SIGQUIT, which makes the JVM print the dump into the daemon log. */
        private String threadDump(long pid) {
            try {
                Path file = Files.createDirectories(Path.of("target", "stress-dumps"))
                        .resolve("daemon-" + pid + "-" + Instant.now().toEpochMilli() + ".txt").toAbsolutePath();
                Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(pid), "Thread.print").redirectErrorStream(true).redirectOutput(file.toFile()).start();
                if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                    jcmd.destroyForcibly();
                }
                String dump = Files.readString(file);
                if (!dump.contains("Full thread dump")) {
                    Path log = d.home.resolve("daemon.log");
                    long from = Files.exists(log) ? Files.size(log) : 0;
                    new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
                    AtomicReference<String> text = new AtomicReference<>("");
                    try {
                        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
                            byte[] all = Files.readAllBytes(log);
                            text.set(new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                                    StandardCharsets.UTF_8));
                            return text.get().contains("Full thread dump") && text.get().contains("JNI global refs");
                        });
                    } catch (ConditionTimeoutException e) {
                        // whatever came
                    }
                    dump = "(jcmd gave: " + dump.strip() + ")\n(SIGQUIT, from the daemon log:)\n" + text.get();
                    Files.writeString(file, dump);
                }
                int deadlock = dump.indexOf("Java-level deadlock");
                return "thread dump of daemon " + pid + ": " + file + "\n"
                        + (deadlock >= 0 ? dump.substring(Math.max(0, deadlock - 10), Math.min(dump.length(), deadlock + 6000))
                        : dump.lines().limit(150).collect(Collectors.joining("\n"))) + "\n";
            } catch (IOException e) {
                return "(no thread dump of " + pid + ": " + e + ")\n";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "(interrupted)\n";
            }
        }

        <T> Future<T> async(java.util.concurrent.Callable<T> call) {
            return pool.submit(call);
        }

        <T> T get(Future<T> future, Duration deadline) {
            try {
                return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AssertionError a) {
                    throw a;
                }
                throw new AssertionError(e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError("HANG: a concurrent call did not finish within " + deadline.toSeconds() + " s\n"
                        + audit().table(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        List<Result> all(List<Future<Result>> futures, Duration deadline) {
            return futures.stream().map(f -> get(f, deadline)).toList();
        }

        JsonNode json(Duration deadline, String... args) {
            Result r = cli(deadline, args);
            assertThat(r.exitCode()).as("bgrun " + String.join(" ", args) + "\n" + r).isZero();
            return parse(r);
        }

        JsonNode status(String ref) {
            return json(CALL, "status", ref);
        }

        List<JsonNode> list() {
            Result r = cli(CALL, "list");
            assertThat(r.exitCode()).as("bgrun list\n" + r).isZero();
            List<JsonNode> jobs = new ArrayList<>();
            for (String line : r.out().lines().filter(l -> !l.isBlank()).toList()) {
                try {
                    jobs.add(Daemon.JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not NDJSON: " + r, e);
                }
            }
            return jobs;
        }

        long daemonPid() {
            JsonNode status = json(CALL, "daemon", "status");
            assertThat(status.path("running").asBoolean()).as("daemon status: " + status).isTrue();
            return status.get("pid").asLong();
        }

        /** daemon status answers in time and, once the field exists, reports no deadlocked thread. */
        JsonNode checkDaemon(String what) {
            JsonNode status = json(CALL, "daemon", "status");
            if (status.has("deadlocked_threads")) {
                assertThat(status.get("deadlocked_threads").isArray() && status.get("deadlocked_threads").isEmpty())
                        .as(what + ": daemon status reports deadlocked threads: " + status.get("deadlocked_threads"))
                        .isTrue();
            }
            return status;
        }

        @Override
        public void close() {
            List<Throwable> failures = new ArrayList<>();
            try {
                if (hung.get()) {
                    throw new AssertionError("teardown: a call hung, so the daemon was not asked to stop its jobs");
                }
                JsonNode status = checkDaemon("after the test");
                Result stop = cli(LONG_CALL, "stop", "--all");
                assertThat(stop.exitCode()).as("teardown: stop --all\n" + stop).isZero();
                cli(CALL, "daemon", "stop");
                await("teardown: the daemon exits (it was " + status + ")").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100)).until(() -> audit().daemons().isEmpty());
            } catch (Throwable t) {
                failures.add(t);
            }
            String left = ProcessAudit.reap(d.home);
            if (left != null) {
                failures.add(new AssertionError("teardown: processes left after stop --all and daemon stop "
                        + "(now killed by pid)\n" + left));
            }
            pool.shutdownNow();
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError(failures.getFirst().getMessage(), failures.getFirst());
                failures.stream().skip(1).forEach(error::addSuppressed);
                throw error;
            }
        }
    }
}
