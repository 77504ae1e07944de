package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.Command;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.logs.LogLine;
import dev.bgrun.orchestrator.readiness.CommandProbe;
import dev.bgrun.orchestrator.readiness.FileProbe;
import dev.bgrun.orchestrator.readiness.PortProbe;
import dev.bgrun.orchestrator.readiness.Probe;
import dev.bgrun.orchestrator.readiness.Readiness;
import dev.bgrun.orchestrator.readiness.UrlProbe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Readiness rules and health checks of one incarnation. They run on timers and virtual threads of their own
 * and never touch the job: what they find becomes a message to the job's actor ({@code ready},
 * {@code healthChecked}), which decides.
 */
final class Watches {
    private Watches() {
    }

    /** The readiness rules of incarnation {@code n}; when all hold, the actor is told. */
    static Readiness readiness(JobActor actor, Supervisor sv, int n) {
        Job job = actor.job();
        JobSpec spec = job.spec;
        Map<String, String> env = actor.env;
        String substring = spec.get(JobKeys.READY_WHEN) == null ? null : Launcher.resolve(sv, job, spec.get(JobKeys.READY_WHEN), env);
        String regex = spec.get(JobKeys.READY_WHEN_REGEX) == null ? null : Launcher.resolve(sv, job, spec.get(JobKeys.READY_WHEN_REGEX), env);
        return new Readiness(substring, regex == null ? null : Pattern.compile(regex), readinessProbes(sv, job, env),
                why -> actor.mailbox.post(() -> actor.ready(n, why)));
    }

    /** Hands incarnation {@code n}'s lines to the log rules, or null when there are none. */
    static Consumer<LogLine> lineListener(Readiness readiness, int n) {
        if (!readiness.watchesLines()) {
            return null;
        }
        return line -> {
            if (line.incarnation() == n) {
                readiness.line(line.number(), line.text());
            }
        };
    }

    private static List<Probe> readinessProbes(Supervisor sv, Job job, Map<String, String> env) {
        JobSpec spec = job.spec;
        List<Probe> probes = new ArrayList<>();
        if (spec.get(JobKeys.READY_WHEN_PORT) != null) {
            probes.add(new PortProbe(JobKeys.READY_WHEN_PORT.name(), Launcher.port(sv, job, spec.get(JobKeys.READY_WHEN_PORT), env)));
        }
        if (spec.get(JobKeys.READY_WHEN_URL) != null) {
            probes.add(new UrlProbe(JobKeys.READY_WHEN_URL.name(), Launcher.resolve(sv, job, spec.get(JobKeys.READY_WHEN_URL), env),
                    Set.copyOf(spec.get(JobKeys.HTTP_OK_STATUS)), sv.http()));
        }
        if (spec.get(JobKeys.READY_WHEN_FILE) != null) {
            probes.add(new FileProbe(JobKeys.READY_WHEN_FILE.name(),
                    Path.of(job.cwd).resolve(Launcher.resolve(sv, job, spec.get(JobKeys.READY_WHEN_FILE), env))));
        }
        if (spec.get(JobKeys.READY_WHEN_CMD) != null) {
            Command cmd = Launcher.interpolate(sv, job, spec.get(JobKeys.READY_WHEN_CMD), env);
            probes.add(new CommandProbe(JobKeys.READY_WHEN_CMD.name(), cmd.processArgv(), Path.of(job.cwd), env));
        }
        return probes;
    }

    /**
     * After ready: the health probes every {@code health-interval-secs}, each round's result a message to the
     * actor (which counts failures in a row against {@code health-threshold}); null when there are none.
     */
    static ScheduledFuture<?> health(JobActor actor, Supervisor sv, int n) {
        Job job = actor.job();
        List<Probe> checks = healthProbes(sv, job, actor.env);
        if (checks.isEmpty()) {
            return null;
        }
        long interval = job.spec.get(JobKeys.HEALTH_INTERVAL_SECS).toMillis();
        return sv.timers().scheduleWithFixedDelay(() -> Thread.ofVirtual().start(() -> {
            List<String> failed = checks.stream().filter(p -> !p.holds()).map(Probe::describe).toList();
            actor.mailbox.post(() -> actor.healthChecked(n, failed));
        }), interval, interval, TimeUnit.MILLISECONDS);
    }

    private static List<Probe> healthProbes(Supervisor sv, Job job, Map<String, String> env) {
        JobSpec spec = job.spec;
        List<Probe> probes = new ArrayList<>();
        if (spec.get(JobKeys.HEALTH_CHECK_URL) != null) {
            probes.add(new UrlProbe(JobKeys.HEALTH_CHECK_URL.name(), Launcher.resolve(sv, job, spec.get(JobKeys.HEALTH_CHECK_URL), env),
                    Set.copyOf(spec.get(JobKeys.HTTP_OK_STATUS)), sv.http()));
        }
        if (spec.get(JobKeys.HEALTH_CHECK_PORT) != null) {
            probes.add(new PortProbe(JobKeys.HEALTH_CHECK_PORT.name(), Launcher.port(sv, job, spec.get(JobKeys.HEALTH_CHECK_PORT), env)));
        }
        if (spec.get(JobKeys.HEALTH_CHECK_CMD) != null) {
            Command cmd = Launcher.interpolate(sv, job, spec.get(JobKeys.HEALTH_CHECK_CMD), env);
            probes.add(new CommandProbe(JobKeys.HEALTH_CHECK_CMD.name(), cmd.processArgv(), Path.of(job.cwd), env));
        }
        return probes;
    }
}
