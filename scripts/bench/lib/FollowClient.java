import dev.bgrun.orchestrator.daemon.DaemonClient;
import dev.bgrun.orchestrator.daemon.DaemonLauncher;
import dev.bgrun.orchestrator.daemon.Protocol;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.state.StateRoot;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Followers for scripts/bench/soak.sh: ONE JVM holding several follow streams, each over a socket of its own with
 * one streaming request in the daemon's NDJSON protocol (so a follower costs the daemon what a `tail --follow` or
 * `events --follow` CLI does, without a JVM per follower). Each argument after HOME is a follower:
 * <pre>
 *   read:tail:REF     tail {"ref":REF,"follow":true,"lines":0}, read as fast as the daemon sends
 *   read:events       events {"since":"now","follow":true} (every type), read as fast as the daemon sends
 *   stall:tail:REF    the same requests, but after the first answer line (read so that a refused request
 *   stall:events      shows) the follower never reads again: the daemon's writes to it back up
 * </pre>
 * It prints "following N" once every follower has its first answer line (within 60 s), or "error ..." and exits.
 * Then commands on standard input, one a line, each answered with one line:
 * <pre>
 *   report   -> "report LINES BYTES OPEN" (lines and bytes the readers received so far; readers still streaming)
 *   quit     -> one JSON line: per follower its mode, kind, ref, first answer, lines, bytes and state (open,
 *               ended: the daemon finished the stream, closed: the daemon closed the connection, error: an
 *               error answer); each stalled one is then drained, without blocking, until 1 s without data,
 *               the end of the stream, or 5 s in all: the bytes read then and how the drain ended (while the
 *               jobs keep writing, a stalled tail is still flowing after 5 s). Then it exits.
 * </pre>
 */
public class FollowClient {
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);
    private static final String ITEM_PREFIX = "{\"v\":" + Protocol.VERSION + ",\"id\":1,\"item\":";

    /** One follow stream. Its counters are written by its reader thread and read by the main thread. */
    static final class Follower {
        final boolean stall;
        final String kind;
        final String ref;
        final SocketChannel channel;
        final CountDownLatch first = new CountDownLatch(1);
        final AtomicLong lines = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        volatile String firstAnswer = "none";
        volatile String state = "open";
        private final StringBuilder line = new StringBuilder();

        Follower(String spec, StateRoot root) throws Exception {
            String[] w = spec.split(":", 3);
            if (w.length < 2 || !(w[0].equals("read") || w[0].equals("stall")) || !(w[1].equals("tail") || w[1].equals("events"))
                    || (w[1].equals("tail") != (w.length == 3))) {
                throw new IllegalArgumentException("not a follower: " + spec + " (read|stall:tail:REF or read|stall:events)");
            }
            stall = w[0].equals("stall");
            kind = w[1];
            ref = w.length == 3 ? w[2] : null;
            Map<String, Object> args = new HashMap<>();
            args.put("follow", true);
            if (ref != null) {
                args.put("ref", ref);
                args.put("lines", 0);
            } else {
                args.put("since", "now");
            }
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(root.socket()));
            String request = Json.write(Protocol.request(1, kind, args)) + "\n";
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
        }

        /** Reads: all of the stream for a reader; for a stalled follower, up to its first answer line only. */
        void run() {
            // A stalled follower reads in small pieces, so it takes little more than its first line off the socket.
            ByteBuffer buf = ByteBuffer.allocate(stall ? 512 : 64 * 1024);
            try {
                while (channel.read(buf) >= 0) {
                    buf.flip();
                    bytes.addAndGet(buf.remaining());
                    boolean done = consume(buf);
                    buf.clear();
                    if (done || (stall && first.getCount() == 0)) {
                        return;
                    }
                }
                state = "closed";
            } catch (Exception e) {
                state = "closed: " + e;
            } finally {
                first.countDown();
            }
        }

        /** Splits what arrived into answer lines; true once the stream is over (a final answer). */
        boolean consume(ByteBuffer buf) {
            boolean over = false;
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b != '\n') {
                    line.append((char) (b & 0xff)); // only the ASCII framing matters here
                    continue;
                }
                lines.incrementAndGet();
                String text = line.toString();
                line.setLength(0);
                String what = text.startsWith(ITEM_PREFIX) ? "item" : answer(text);
                if (first.getCount() > 0) {
                    firstAnswer = what;
                    first.countDown();
                }
                if (!what.equals("item")) {
                    state = what;
                    over = true;
                }
            }
            return over;
        }

        /** A final answer line: "ended" (ok) or "error: MESSAGE". */
        private static String answer(String text) {
            try {
                Map<String, Object> a = Json.readObject(text);
                if (Boolean.TRUE.equals(a.get("ok"))) {
                    return "ended";
                }
                Object error = a.get("error");
                return "error: " + (error instanceof Map<?, ?> m ? m.get("type") + " " + m.get("message") : text);
            } catch (RuntimeException e) {
                return "error: unreadable answer line " + text.substring(0, Math.min(200, text.length()));
            }
        }

        /** Drains a stalled follower: reads without blocking until 1 s without data, EOF or 5 s. */
        Map<String, Object> drain() throws Exception {
            long drained = 0;
            String how = "1 s without data";
            channel.configureBlocking(false);
            ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
            long start = System.nanoTime();
            long lastData = start;
            while (true) {
                int n = channel.read(buf);
                long now = System.nanoTime();
                if (n < 0) {
                    how = "the daemon had closed the connection";
                    state = "closed";
                    break;
                }
                if (n > 0) {
                    drained += n;
                    buf.clear();
                    lastData = now;
                } else if (now - lastData > TimeUnit.SECONDS.toNanos(1)) {
                    break;
                } else {
                    Thread.sleep(20); // nothing there now; the daemon may be writing more
                }
                if (now - start > TimeUnit.SECONDS.toNanos(5)) {
                    how = "still flowing after 5 s";
                    break;
                }
            }
            return Json.object("drained_bytes", drained, "drain_ms", (System.nanoTime() - start) / 1_000_000, "drain", how);
        }

        Map<String, Object> view() {
            return Json.object("mode", stall ? "stall" : "read", "kind", kind, "ref", ref,
                    "first", firstAnswer, "lines", lines.get(), "bytes", bytes.get(), "state", state);
        }
    }

    public static void main(String[] a) throws Exception {
        StateRoot root = new StateRoot(Path.of(a[0]));
        // A plain call first: it starts the daemon if it is not running, and checks that it answers.
        try (DaemonClient c = DaemonClient.connect(root, DaemonLauncher.ofCurrentProcess())) {
            c.call("events", Map.of("since", "now", "limit", 1));
        }
        List<Follower> followers = new ArrayList<>();
        try {
            for (int i = 1; i < a.length; i++) {
                Follower f = new Follower(a[i], root);
                followers.add(f);
                Thread.ofPlatform().daemon().name("follower-" + i).start(f::run);
            }
            for (Follower f : followers) {
                if (!f.first.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no answer within 60 s to " + f.kind + " " + f.ref);
                }
                if (!f.firstAnswer.equals("item")) {
                    throw new IllegalStateException(f.kind + " " + f.ref + ": first answer " + f.firstAnswer + ", state " + f.state);
                }
            }
        } catch (Exception e) {
            OUT.println("error " + String.valueOf(e).replace('\n', ' '));
            System.exit(1);
        }
        OUT.println("following " + followers.size());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null && !command.strip().equals("quit")) {
            if (command.strip().equals("report")) {
                long lines = 0;
                long bytes = 0;
                int open = 0;
                for (Follower f : followers) {
                    if (!f.stall) {
                        lines += f.lines.get();
                        bytes += f.bytes.get();
                        open += f.state.equals("open") ? 1 : 0;
                    }
                }
                OUT.println("report " + lines + " " + bytes + " " + open);
            } else {
                OUT.println("error unknown command " + command);
            }
        }
        List<Map<String, Object>> views = new ArrayList<>();
        for (Follower f : followers) {
            Map<String, Object> v = f.view();
            if (f.stall) {
                v.putAll(f.drain());
                v.put("state", f.state);
            }
            views.add(v);
            f.channel.close();
        }
        OUT.println(Json.write(Json.object("followers", views)));
        System.exit(0);
    }
}
