package dev.bgrun.orchestrator.daemon;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.error.Fatal;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.json.JsonException;
import dev.bgrun.orchestrator.os.ProcStat;
import dev.bgrun.orchestrator.os.Resources;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Serves the protocol on the daemon's Unix socket: one virtual thread per connection, requests answered in
 * order. A malformed request, or a line over {@link Protocol#MAX_REQUEST_BYTES} (skipped unread), gets an
 * error answer and the connection stays usable. Connections from another user are refused.
 */
public final class DaemonServer implements Closeable {
    private final Path socket;
    private final Map<String, Handler> handlers;
    private final Consumer<String> log;
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocketChannel server;
    private volatile long lastActivity = System.nanoTime();
    /** Owned by the accept thread: the reserve descriptor, and how many accepts failed since the last log line. */
    private FileChannel reserve;
    private long refused;
    private long lastRefusalLog;
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(50);
    /** How long a client refused at the file limit has to send its request: it sends it at once, and a silent one
     *  must not hold up the clients queued behind it (each refusal has the one reserve descriptor to itself). */
    private static final Duration REFUSAL_WAIT = Duration.ofMillis(250);
    /** This user, as a peer's credentials name it: its uid, so that a uid without a passwd entry is served too. */
    private static final int OWN_UID = ProcStat.ownUid();
    /** This user's name as the JDK renders a peer's uid: read from the socket file this process owns. */
    private String ownName;

    /** Serves another protocol besides JSON, or null. */
    private final DaemonExtension extension;

    public DaemonServer(Path socket, Map<String, Handler> handlers, Consumer<String> log) {
        this(socket, handlers, log, null);
    }

    public DaemonServer(Path socket, Map<String, Handler> handlers, Consumer<String> log, DaemonExtension extension) {
        this.socket = socket;
        this.handlers = handlers;
        this.log = log;
        this.extension = extension;
    }

    /** Binds the socket (replacing a stale one: the caller holds the run lock) and starts accepting. */
    public void start() throws IOException {
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        ownName = Files.getOwner(socket).getName();
        reserve = openReserve();
        Thread.ofPlatform().name("bgrun-accept").daemon(true).start(this::acceptLoop);
    }

    /** Open connections right now. */
    public int connections() {
        return connections.get();
    }

    /** When the last request arrived, as {@link System#nanoTime()}. */
    public long lastActivity() {
        return lastActivity;
    }

    /**
     * Accepts connections. At the file limit, accept fails with EMFILE while the client waits in the backlog,
     * and trying again at once would spin: so one descriptor is kept in reserve, given up to accept that
     * client, tell it {@code ResourceExhausted} with the limit and the use, and close; then taken back. The
     * failure is logged once per {@link #LOG_EVERY} with how many happened, not once per client.
     */
    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                Thread.ofVirtual().name("bgrun-conn").start(() -> serve(channel));
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                refused++;
                if (System.nanoTime() - lastRefusalLog > LOG_EVERY.toNanos()) {
                    lastRefusalLog = System.nanoTime();
                    log.accept("accept failed (" + refused + " since the last report): " + e.getMessage()
                            + (Resources.outOfFiles(e) ? "; " + Resources.outOfFilesMessage() : ""));
                    refused = 0;
                }
                if (Resources.outOfFiles(e)) {
                    refuseOneOutOfFiles();
                }
            }
        }
    }

    /** Uses the reserve descriptor to tell one waiting client why it cannot be served now. */
    private void refuseOneOutOfFiles() {
        if (reserve != null) {
            try {
                reserve.close();
            } catch (IOException ignored) {
                // it is closed either way
            }
            reserve = null;
        }
        try (SocketChannel channel = server.accept()) {
            // Read its request first (briefly), so the client is not cut off mid-write and gets its own id back.
            Thread answer = Thread.ofVirtual().name("bgrun-refuse").start(() -> {
                Object id = null;
                try {
                    String line = new LineReader(Channels.newInputStream(channel), Protocol.MAX_REQUEST_BYTES).readLine();
                    id = line == null ? null : Json.readObject(line).get("id");
                } catch (IOException | RuntimeException e) {
                    // no readable request: answer without an id
                }
                try {
                    write(Channels.newOutputStream(channel), Protocol.error(id, outOfFiles()));
                } catch (IOException e) {
                    // the client has gone
                }
            });
            if (!answer.join(REFUSAL_WAIT)) {
                channel.close(); // a client that sends nothing does not hold the accept loop
            }
        } catch (IOException e) {
            // No descriptor even so: wait for one to free rather than spin on the backlog.
            LockSupport.parkNanos(RETRY_PAUSE.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reserve = openReserve();
    }

    private static BgrunException outOfFiles() {
        return new BgrunException(ErrorType.ResourceExhausted, Resources.outOfFilesMessage(),
                "stop jobs or clients you no longer need (bgrun stop, bgrun clean), or raise the limit "
                        + "(ulimit -n; the daemon takes the hard limit when it starts: restart it with `bgrun daemon stop`)");
    }

    private static FileChannel openReserve() {
        try {
            return FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ);
        } catch (IOException e) {
            return null;
        }
    }

    private void serve(SocketChannel channel) {
        connections.incrementAndGet();
        try (channel) {
            OutputStream out = Channels.newOutputStream(channel);
            if (!sameUser(channel)) {
                write(out, Protocol.error(null, new BgrunException(ErrorType.ProtocolError,
                        "connection refused: the daemon serves only its own user")));
                return;
            }
            java.io.InputStream raw = Channels.newInputStream(channel);
            int first = raw.read();
            if (first < 0) {
                return; // a probe: connected and left
            }
            if (extension != null && first == extension.magic()) {
                lastActivity = System.nanoTime();
                extension.serve(raw, out);
                return;
            }
            LineReader in = new LineReader(new java.io.SequenceInputStream(
                    new java.io.ByteArrayInputStream(new byte[]{(byte) first}), raw), Protocol.MAX_REQUEST_BYTES);
            while (true) {
                String line;
                try {
                    line = in.readLine();
                } catch (LineReader.TooLong e) {
                    write(out, Protocol.error(null, new BgrunException(ErrorType.ProtocolError,
                            "request line longer than " + Protocol.MAX_REQUEST_BYTES + " bytes (1 MiB); skipped",
                            RequestSize.DAEMON_HINT)));
                    continue;
                }
                if (line == null) {
                    return;
                }
                if (line.isBlank()) {
                    continue;
                }
                lastActivity = System.nanoTime();
                if (!answer(line, out, channel)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away mid-answer: nothing to tell it.
        } finally {
            connections.decrementAndGet();
            lastActivity = System.nanoTime();
        }
    }

    /** Answers one request line; false when the client is gone. */
    private boolean answer(String line, OutputStream out, SocketChannel channel) throws IOException {
        Object id = null;
        try {
            Map<String, Object> request;
            try {
                request = Json.readObject(line);
            } catch (JsonException e) {
                throw new BgrunException(ErrorType.ProtocolError, "malformed request: " + e.getMessage());
            }
            id = request.get("id");
            Object version = request.get("v");
            if (!(version instanceof Long v) || v != Protocol.VERSION) {
                throw new BgrunException(ErrorType.ProtocolError, "unsupported protocol version " + version
                        + "; this daemon speaks version " + Protocol.VERSION,
                        "the CLI and the daemon differ in version: run `bgrun daemon stop` to restart the daemon");
            }
            Object cmd = request.get("cmd");
            Handler handler = cmd instanceof String name ? handlers.get(name) : null;
            if (handler == null) {
                throw new BgrunException(ErrorType.ProtocolError, "unknown command " + Json.write(cmd),
                        "known commands: " + String.join(", ", new java.util.TreeSet<>(handlers.keySet())));
            }
            Object args = request.getOrDefault("args", Map.of());
            if (!(args instanceof Map<?, ?>)) {
                throw new BgrunException(ErrorType.ProtocolError, "\"args\" must be a JSON object");
            }
            Object requestId = id;
            @SuppressWarnings("unchecked")
            Object data = handler.handle((Map<String, Object>) args, new Handler.Responder() {
                @Override
                public boolean item(Object item) {
                    try {
                        write(out, Protocol.item(requestId, item));
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                }

                @Override
                public boolean open() {
                    return connected(channel);
                }
            });
            write(out, Protocol.ok(id, data));
        } catch (BgrunException e) {
            write(out, Protocol.error(id, e));
        } catch (IOException e) {
            if (!Resources.outOfFiles(e)) {
                throw e; // the client has gone
            }
            write(out, Protocol.error(id, outOfFiles()));
        } catch (Exception | Error e) {
            Fatal.rethrowIfFatal(e); // out of memory is not answered: the daemon halts (see Fatal)
            if (Resources.outOfFiles(e)) {
                write(out, Protocol.error(id, outOfFiles()));
                return true;
            }
            log.accept("internal error answering " + line.substring(0, Math.min(200, line.length())) + ": " + e);
            write(out, Protocol.error(id, new BgrunException(ErrorType.Internal, "internal error: " + e)));
        }
        return true;
    }

    /**
     * Whether the client is still there, without blocking: a non-blocking read of the channel sees the end of
     * the stream once the client closed it. Only the connection's own thread uses the channel meanwhile (a
     * client sends nothing while it reads a stream), so switching the mode for the check is safe.
     */
    private static boolean connected(SocketChannel channel) {
        try {
            channel.configureBlocking(false);
            try {
                return channel.read(java.nio.ByteBuffer.allocate(1)) >= 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(OutputStream out, Object message) throws IOException {
        out.write((Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Whether the peer is this user. The JDK gives the peer's uid only as a user name, looked up in the passwd
     * database, and as the uid in decimal when that fails (no entry, or no descriptor left to read it with):
     * both forms are compared, never this process's own name, which is "?" for a uid without an entry.
     */
    private boolean sameUser(SocketChannel channel) {
        try {
            String peer = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
            return peer.equals(Integer.toString(OWN_UID)) || peer.equals(ownName);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
        Files.deleteIfExists(socket);
    }
}
