package dev.bgrun.cli.client;

import dev.bgrun.cli.Terminal;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One command run in the daemon, seen from the client: says hello, then serves the daemon's frames until the
 * exit code (see {@link Frames}). Ctrl-C and SIGTERM are passed on to the daemon, which decides what they mean
 * for the command; a second one while the first is being handled ends the client at once.
 */
final class Session {
    /** How the session ended: the command's exit code, or the pid of a daemon of another build that is stopping. */
    record Outcome(int exitCode, long replacedPid) {
    }

    private final Connection connection;
    private final String build;
    private final String[] args;
    private final Map<String, String> env;
    private final DataOutputStream toDaemon;
    private final OutputStream stdout = new FileOutputStream(FileDescriptor.out);
    private final OutputStream stderr = new FileOutputStream(FileDescriptor.err);
    private final InputStream stdin = new FileInputStream(FileDescriptor.in);
    private volatile boolean interrupted;

    Session(Connection connection, String build, String[] args, Map<String, String> env) {
        this.connection = connection;
        this.build = build;
        this.args = args;
        this.env = env;
        this.toDaemon = new DataOutputStream(new BufferedOutputStream(connection.out(), 64 * 1024));
    }

    Outcome run() {
        try (connection) {
            DataInputStream fromDaemon = new DataInputStream(new BufferedInputStream(connection.in(), 64 * 1024));
            int terminals = 0;
            for (int fd = 0; fd < 3; fd++) {
                terminals |= Terminal.isTerminal(fd) ? 1 << fd : 0;
            }
            byte[] hello = new Frames.Builder().string(build).string(Path.of("").toAbsolutePath().toString())
                    .list(List.of(args)).map(env).integer(terminals).bytes();
            if (hello.length > Frames.MAX) {
                throw dev.bgrun.orchestrator.daemon.RequestSize.tooLarge(
                        java.util.Objects.requireNonNullElse(BgrunClient.commandWord(args), "bgrun"), hello.length, env);
            }
            synchronized (toDaemon) {
                toDaemon.writeByte(Frames.MAGIC);
                Frames.write(toDaemon, Frames.HELLO, hello);
                toDaemon.flush();
            }
            current = this; // from now on a signal goes to the daemon (see catchSignals)
            while (true) {
                Frames.Frame frame = Frames.read(fromDaemon);
                if (frame == null) {
                    throw new BgrunException(ErrorType.DaemonUnavailable, "the daemon closed the connection before the command ended",
                            "run the command again; if it persists, see the daemon log");
                }
                switch (frame.type()) {
                    case Frames.OUT -> write(stdout, frame.payload());
                    case Frames.ERR -> write(stderr, frame.payload());
                    case Frames.EXIT -> {
                        stdout.flush();
                        return new Outcome((int) frame.reader().integer(), -1);
                    }
                    case Frames.READ -> send(Frames.STDIN, readStdin((int) Math.min(Frames.MAX, frame.reader().integer())));
                    case Frames.ASK -> send(Frames.ANSWER, ask(frame.reader().string()));
                    case Frames.EXEC -> {
                        Frames.Reader r = frame.reader();
                        send(Frames.EXITED, exec(r.list(), r.map(), r.string()));
                    }
                    case Frames.REPLACE -> {
                        return new Outcome(-1, frame.reader().integer());
                    }
                    default -> {
                        if (frame.type() == '{') {
                            // A JSON answer: the daemon could not serve this connection as a terminal (out of files).
                            throw new BgrunException(ErrorType.ResourceExhausted, "the daemon refused the connection",
                                    "run `bgrun doctor`; see the daemon log");
                        }
                        throw new BgrunException(ErrorType.ProtocolError, "the daemon sent an unknown frame " + frame.type(),
                                "the client and the daemon differ: run `bgrun daemon stop`");
                    }
                }
            }
        } catch (IOException e) {
            throw new BgrunException(ErrorType.DaemonUnavailable, "lost the connection to the daemon: " + e.getMessage(),
                    "run the command again; if it persists, see the daemon log");
        }
    }

    private static void write(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void send(byte type, byte[] payload) throws IOException {
        synchronized (toDaemon) {
            Frames.write(toDaemon, type, payload);
            toDaemon.flush();
        }
    }

    /** The session whose HELLO has been sent, which signals go to; null before. */
    private static volatile Session current;

    /**
     * Ctrl-C and SIGTERM, from now on: before a session has sent its HELLO they end the client at once (130;
     * nothing of the command has begun); after, they go to the daemon, and a second one while the first is
     * handled ends the client. Caught first thing (BgrunClient.execute), so that the JDK's own handler
     * (System.exit, its shutdown machinery and logging) never runs in the client. Returns what puts
     * the JDK's handlers back, for a command that then runs in this JVM.
     */
    @SuppressWarnings("restriction")
    static Runnable catchSignals() {
        List<Runnable> restore = new java.util.ArrayList<>();
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal signal = new sun.misc.Signal(name);
                sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, caught -> passOn(name));
                restore.add(() -> sun.misc.Signal.handle(signal, previous));
            } catch (IllegalArgumentException e) {
                // the signal is in use by the JVM (or ignored by the shell, as for background jobs): leave it be
            }
        }
        return () -> restore.forEach(Runnable::run);
    }

    private static void passOn(String name) {
        Session session = current;
        if (session == null || session.interrupted) {
            Runtime.getRuntime().halt(130);
        }
        session.interrupted = true;
        try {
            session.send(Frames.SIGNAL, name.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            Runtime.getRuntime().halt(130); // the daemon has gone: nothing to pass it to
        }
    }

    private byte[] readStdin(int max) throws IOException {
        byte[] buffer = new byte[Math.max(1, Math.min(max, 64 * 1024))];
        int n = stdin.read(buffer);
        return n <= 0 ? new byte[0] : java.util.Arrays.copyOf(buffer, n);
    }

    /** Asks on the terminal; the answer line, read byte by byte so no later stdin is taken with it. */
    private byte[] ask(String question) throws IOException {
        write(stdout, question.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = stdin.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return new Frames.Builder().integer(0).string("").bytes();
        }
        return new Frames.Builder().integer(1).string(line.toString(StandardCharsets.UTF_8)).bytes();
    }

    private static byte[] exec(List<String> argv, Map<String, String> env, String cwd) {
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO().directory(Path.of(cwd).toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            int code = builder.start().waitFor();
            return new Frames.Builder().integer(code).string("").bytes();
        } catch (IOException e) {
            return new Frames.Builder().integer(127).string(e.getMessage()).bytes();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Frames.Builder().integer(130).string("").bytes();
        }
    }
}
