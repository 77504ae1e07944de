package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.config.Command;
import dev.bgrun.orchestrator.config.Interpolation;
import dev.bgrun.orchestrator.config.JobKeys;
import dev.bgrun.orchestrator.config.JobSpec;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an incarnation is launched with: its environment (the caller's, env files, allocated ports, the
 * spec's env interpolated, bgrun's own variables) and its interpolated values. Called by the job's actor
 * only, which is the one writer of the ports and variables it records on the job; other jobs' values are
 * read from their snapshots.
 */
final class Launcher {
    private Launcher() {
    }

    static Map<String, String> environment(Supervisor sv, Job job) throws IOException {
        JobSpec spec = job.spec;
        Map<String, String> env = new LinkedHashMap<>(job.baseEnv);
        for (String file : spec.get(JobKeys.ENV_FILE)) {
            // The CLI sends absolute paths (relative to the project file); a relative one is the job's cwd's.
            env.putAll(EnvFiles.read(Path.of(job.cwd).resolve(file)));
        }
        for (String variable : spec.get(JobKeys.ALLOCATE_PORT)) {
            if (job.ports.isEmpty()) {
                job.ports = new LinkedHashMap<>(); // the shared empty map until the first port
            }
            job.ports.computeIfAbsent(variable, v -> freePort());
        }
        job.ports.forEach((k, v) -> env.put(k, v.toString()));
        Map<String, String> own = new LinkedHashMap<>(spec.env());
        job.ports.forEach((k, v) -> own.putIfAbsent(k, v.toString()));
        Map<String, String> set = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            String value = resolve(sv, job, e.getValue(), own, env);
            env.put(e.getKey(), value);
            set.put(e.getKey(), value);
        }
        job.ports.forEach((k, v) -> set.put(k, v.toString()));
        job.setEnv = set.isEmpty() ? Map.of() : set;
        env.put("BGRUN_JOB_ID", job.id());
        env.put("BGRUN_JOB_NAME", job.name());
        env.put("BGRUN_WORKSPACE", job.workspace());
        env.put("BGRUN_INCARNATION", Integer.toString(job.incarnation));
        env.put("BGRUN_RESTART_COUNT", Integer.toString(job.restarts));
        return env;
    }

    static Command interpolate(Supervisor sv, Job job, Command cmd, Map<String, String> env) {
        List<String> argv = cmd.argv().stream().map(a -> resolve(sv, job, a, env, env)).toList();
        return new Command(argv, cmd.shell());
    }

    static String resolve(Supervisor sv, Job job, String text, Map<String, String> env) {
        return resolve(sv, job, text, env, env);
    }

    /** Resolves ${VAR} from the job's own variables and ${job.VAR} from a job of the same workspace. */
    private static String resolve(Supervisor sv, Job job, String text, Map<String, String> own, Map<String, String> env) {
        return Interpolation.resolve(text, ref -> {
            if (ref.ownVariable() || ref.job().equals(job.name())) {
                String v = own.get(ref.variable());
                return v != null ? v : ref.ownVariable() ? null : env.get(ref.variable());
            }
            Job other = sv.findDependency(job.workspace(), job.projectFile(), ref.job());
            if (other == null) {
                throw new BgrunException(ErrorType.InvalidState, ref.text() + ": no job \"" + ref.job()
                        + "\" in workspace " + job.workspace(), "start \"" + ref.job() + "\" first (run-group starts dependencies in order)");
            }
            Integer port = other.ports().get(ref.variable());
            String value = port != null ? port.toString() : other.spec.env().get(ref.variable());
            if (value == null) {
                throw new BgrunException(ErrorType.InvalidState, ref.text() + ": job \"" + ref.job()
                        + "\" has no variable " + ref.variable());
            }
            return value;
        });
    }

    static int port(Supervisor sv, Job job, String text, Map<String, String> env) {
        String value = resolve(sv, job, text, env);
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BgrunException(ErrorType.InvalidState, "port " + text + " is \"" + value + "\", not a port");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new BgrunException(ErrorType.IoError, "cannot allocate a port: " + e.getMessage());
        }
    }
}
