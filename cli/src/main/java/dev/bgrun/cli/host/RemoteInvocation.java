package dev.bgrun.cli.host;

import dev.bgrun.cli.Cli;
import dev.bgrun.cli.Invocation;
import dev.bgrun.cli.client.Frames;
import dev.bgrun.orchestrator.daemon.DaemonCalls;
import dev.bgrun.orchestrator.daemon.DaemonExtension;
import dev.bgrun.orchestrator.daemon.InProcessCalls;
import dev.bgrun.orchestrator.error.ExitCodes;
import dev.bgrun.orchestrator.state.StateRoot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A command run in the daemon for a thin client: the client's directory, environment and terminals, its output
 * sent back as frames, and what only the client can do asked of it over the same connection (see
 * {@link Frames}). One thread runs the command; another reads the client's frames: answers to what the command
 * asked, and Ctrl-C, which runs the command's interrupt action (or, with none, ends the command with 130).
 */
final class RemoteInvocation extends Invocation {
    /** Sent to the command's questions when the client has gone: no answer will come. */
    private static final Frames.Frame GONE = new Frames.Frame((byte) 0, new byte[0]);
    /** Output is sent in frames of at most this much. */
    private static final int CHUNK = 64 * 1024;

    private final DaemonExtension.Context daemon;
    private final DataOutputStream toClient;
    private final Path cwd;
    private final Map<String, String> env;
    private final int terminals;
    private final PrintWriter out;
    private final PrintWriter err;
    /** The client's answers; one question is outstanding at a time, so one slot and the GONE marker suffice. */
    private final BlockingQueue<Frames.Frame> answers = new ArrayBlockingQueue<>(2);
    private final Object asking = new Object();
    private final AtomicReference<Runnable> interruptAction = new AtomicReference<>();
    private volatile Thread interrupting;
    private volatile boolean gone;
    private boolean exited; // guarded by toClient

    private RemoteInvocation(DaemonExtension.Context daemon, DataOutputStream toClient, Path cwd, Map<String, String> env,
                             int terminals) {
        this.daemon = daemon;
        this.toClient = toClient;
        this.cwd = cwd;
        this.env = env;
        this.terminals = terminals;
        this.out = new PrintWriter(new OutputStreamWriter(new FrameStream(Frames.OUT), StandardCharsets.UTF_8));
        this.err = new PrintWriter(new OutputStreamWriter(new FrameStream(Frames.ERR), StandardCharsets.UTF_8));
    }

    /** Serves one terminal connection, its magic byte read: hello, the command, its exit code. */
    static void serve(DaemonExtension.Context daemon, InputStream rawIn, OutputStream rawOut) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(rawIn, 64 * 1024));
        DataOutputStream toClient = new DataOutputStream(new BufferedOutputStream(rawOut, CHUNK + 16));
        Frames.Frame hello = Frames.read(in);
        if (hello == null || hello.type() != Frames.HELLO) {
            return; // not a client of this protocol
        }
        Frames.Reader r = hello.reader();
        String build = r.string();
        Path cwd = Path.of(r.string());
        List<String> argv = r.list();
        Map<String, String> env = r.map();
        int terminals = (int) r.integer();
        if (!build.equals(daemon.build())) {
            // Another build of bgrun: this daemon makes way (its jobs keep running for the next one to adopt).
            daemon.log().accept("a client of build " + build + " connected; this daemon is build " + daemon.build()
                    + ": stopping so that its own starts");
            synchronized (toClient) {
                Frames.write(toClient, Frames.REPLACE, new Frames.Builder().integer(ProcessHandle.current().pid()).bytes());
                toClient.flush();
            }
            daemon.stop().run();
            return;
        }
        RemoteInvocation user = new RemoteInvocation(daemon, toClient, cwd, env, terminals);
        Thread.ofVirtual().name("bgrun-terminal-in").start(() -> user.readClient(in));
        int code = Cli.execute(argv.toArray(String[]::new), user);
        Thread action = user.interrupting;
        if (action != null) {
            try {
                action.join(); // the interrupt action ends the invocation with its own code
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        user.exit(code);
    }

    /** Reads the client's frames until it goes: answers for the command, and signals. */
    private void readClient(DataInputStream in) {
        try {
            Frames.Frame frame;
            while ((frame = Frames.read(in)) != null) {
                if (frame.type() == Frames.SIGNAL) {
                    interrupted();
                } else if (!answers.offer(frame)) {
                    break; // answers nobody asked for: not our client
                }
            }
        } catch (IOException e) {
            // the client has gone
        } finally {
            gone = true;
            answers.offer(GONE);
        }
    }

    private void interrupted() {
        Runnable action = interruptAction.getAndSet(null);
        if (action == null) {
            exit(ExitCodes.INTERRUPTED); // nothing to clean up: the command ends (its streams see the client gone)
            return;
        }
        interrupting = Thread.ofVirtual().name("bgrun-interrupt").start(() -> call(() -> {
            action.run();
            return null;
        }));
    }

    /** Sends one question and waits for its answer; null when the client has gone. */
    private Frames.Frame ask(byte type, byte[] payload) {
        synchronized (asking) {
            if (gone || !send(type, payload, 0, payload.length)) {
                return null;
            }
            try {
                Frames.Frame answer = answers.take();
                return answer == GONE ? null : answer;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Writes one frame; false when the client cannot be written to (gone, or the command has exited). */
    private boolean send(byte type, byte[] payload, int offset, int length) {
        synchronized (toClient) {
            if (exited) {
                return false;
            }
            try {
                Frames.write(toClient, type, payload, offset, length);
                toClient.flush();
                return true;
            } catch (IOException e) {
                gone = true;
                return false;
            }
        }
    }

    @Override
    public Path cwd() {
        return cwd;
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    @Override
    public boolean isTerminal(int fd) {
        return fd >= 0 && fd < 3 && (terminals & (1 << fd)) != 0;
    }

    @Override
    public PrintWriter out() {
        return out;
    }

    @Override
    public PrintWriter err() {
        return err;
    }

    @Override
    public InputStream stdin() {
        return new InputStream() {
            private boolean eof;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (eof) {
                    return -1;
                }
                if (len == 0) {
                    return 0;
                }
                Frames.Frame data = ask(Frames.READ, new Frames.Builder().integer(Math.min(len, CHUNK)).bytes());
                if (data == null) {
                    throw new IOException("the client has gone");
                }
                if (data.payload().length == 0) {
                    eof = true;
                    return -1;
                }
                int n = Math.min(len, data.payload().length);
                System.arraycopy(data.payload(), 0, b, off, n);
                return n;
            }
        };
    }

    @Override
    public String prompt(String question) {
        if (!isTerminal(0) || !isTerminal(1)) {
            return null;
        }
        out.flush();
        Frames.Frame answer = ask(Frames.ASK, new Frames.Builder().string(question).bytes());
        try {
            if (answer == null) {
                return null;
            }
            Frames.Reader r = answer.reader();
            return r.integer() == 1 ? r.string() : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public int exec(List<String> command, Map<String, String> env) throws IOException {
        out.flush();
        err.flush();
        Frames.Frame ended = ask(Frames.EXEC, new Frames.Builder().list(command).map(env).string(cwd.toString()).bytes());
        if (ended == null) {
            throw new IOException("the client has gone");
        }
        Frames.Reader r = ended.reader();
        int code = (int) r.integer();
        String error = r.string();
        if (!error.isEmpty()) {
            throw new IOException(error);
        }
        return code;
    }

    @Override
    public AutoCloseable onInterrupt(Runnable action) {
        interruptAction.set(action);
        return () -> interruptAction.compareAndSet(action, null);
    }

    @Override
    public void exit(int code) {
        out.flush();
        err.flush();
        synchronized (toClient) {
            if (exited) {
                return;
            }
            send(Frames.EXIT, new Frames.Builder().integer(code).bytes(), 0, 8);
            exited = true;
        }
    }

    @Override
    public boolean open() {
        return !gone && !exited();
    }

    private boolean exited() {
        synchronized (toClient) {
            return exited;
        }
    }

    @Override
    public DaemonCalls daemon() {
        return new InProcessCalls(daemon.handlers(), this::open);
    }

    @Override
    public StateRoot stateRoot() {
        return daemon.root();
    }

    @Override
    public DaemonCalls daemonIfRunning(StateRoot root) {
        return daemon();
    }

    /** The command's stdout or stderr, as frames of that type. */
    private final class FrameStream extends OutputStream {
        private final byte type;

        FrameStream(byte type) {
            this.type = type;
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int at = off; at < off + len; at += CHUNK) {
                if (!send(type, b, at, Math.min(CHUNK, off + len - at))) {
                    return; // the client has gone or the command has exited: the rest goes nowhere
                }
            }
        }
    }
}
