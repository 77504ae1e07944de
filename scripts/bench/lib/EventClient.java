import dev.bgrun.orchestrator.daemon.DaemonClient;
import dev.bgrun.orchestrator.daemon.DaemonLauncher;
import dev.bgrun.orchestrator.daemon.Protocol;
import dev.bgrun.orchestrator.json.Json;
import dev.bgrun.orchestrator.state.StateRoot;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A long-lived events follower for scripts/bench/events-latency.sh. It reads the current cursor with a plain
 * {@code events} request (DaemonClient, which also starts the daemon if needed), then opens a socket of its
 * own and sends ONE {@code events} request {"since":CURSOR,"follow":true,"type":["notify"]} in the daemon's
 * NDJSON protocol, so no event falls between the two. It reads the answer lines itself, to stamp each one
 * twice: when its bytes had arrived (before any parsing) and when it had been parsed. For each event it prints
 * <pre>
 *   event RECEIVED_NS PARSED_NS AT_NS LINE_NUMBER MESSAGE
 * </pre>
 * the first two being the wall clock (CLOCK_REALTIME, as Python's time.time_ns() and date +%s%N), AT_NS the
 * event's own "at" (when the daemon appended it), in ns. Prints "following CURSOR" just before it sends the
 * follow request; runs until it is killed or the daemon closes the connection.
 * <pre>
 *   EventClient HOME
 * </pre>
 */
public class EventClient {
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    public static void main(String[] a) throws Exception {
        StateRoot root = new StateRoot(Path.of(a[0]));
        String cursor;
        try (DaemonClient c = DaemonClient.connect(root, DaemonLauncher.ofCurrentProcess())) {
            Map<?, ?> now = (Map<?, ?>) c.call("events", Map.of("since", "now", "limit", 1));
            cursor = String.valueOf(now.get("cursor"));
        }
        Map<String, Object> args = new HashMap<>();
        args.put("since", cursor);
        args.put("follow", true);
        args.put("type", List.of("notify"));
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(root.socket()));
            OUT.println("following " + cursor);
            ch.write(ByteBuffer.wrap((Json.write(Protocol.request(1, "events", args)) + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (ch.read(buf) >= 0) {
                long received = epochNanos();
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    Map<String, Object> answer = Json.readObject(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    long parsed = epochNanos();
                    if (!(answer.get("item") instanceof Map<?, ?> e)) {
                        OUT.println("error " + answer);
                        System.exit(1);
                        return;
                    }
                    OUT.println("event " + received + " " + parsed + " " + nanos(Instant.parse((String) e.get("at"))) + " "
                            + e.get("line_number") + " " + e.get("message"));
                }
                buf.clear();
            }
            OUT.println("error the daemon closed the connection");
            System.exit(1);
        } catch (Exception e) {
            OUT.println("error " + String.valueOf(e).replace('\n', ' '));
            System.exit(1);
        }
    }
}
