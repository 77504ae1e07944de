package dev.bgrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgrun.cli.BgrunProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that stop reading, or read slowly, cost the daemon nothing: its RSS (read from /proc) stays within a
 * fixed bound of its idle size while a job writes hundreds of megabytes, and every other client is served.
 */
class BackpressureIT {
    /**
     * What the daemon may grow by over its idle RSS while it indexes a flood for stalled clients, or answers a
     * count of 30,000 events. Measured on a 2-core machine: idle about 75 MB, growth about 5 MB under the first
     * test and 15 to 40 under the second (the daemon's 4 MiB young generation promotes more of an answer).
     * It was 150 MB and more while the store decoded every line for followers
     * that only needed a wake-up (the serial collector promoted those lines and grew the heap for them), and
     * while an events answer was built whole from both event files; before followers read at their own pace, a
     * stalled tail queued every line (the issue saw 99 MB grow to 956 MB in 20 s).
     */
    private static final long GROWTH_BOUND = 80L * 1024 * 1024;
    /** What the flood job writes: 500 MB in lines of 1 KB. */
    private static final long FLOOD_BYTES = 500_000_000L;

    @TempDir
    Path tmp;

    @Test
    void aStoppedFollowerAndASlowUpDoNotGrowTheDaemonWhileAJobWrites500Mb() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            // The job waits for the go file, so both clients are attached before it writes.
            BgrunProcess.project(d.work, """
                    workspace = "flood"
                    [jobs.flood]
                    cmd = "sh -c 'while [ ! -e go ]; do sleep 0.05; done; yes \\"$(printf %%01000d 0)\\" | head -c %d; echo; echo done'"
                    """.formatted(FLOOD_BYTES));
            ProcessBuilder upCommand = new ProcessBuilder(BgrunProcess.JAVA, "-jar", BgrunProcess.JAR.toString(), "--no-json", "up")
                    .directory(d.work.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
            upCommand.environment().putAll(d.env());
            Process up = upCommand.start();
            AtomicBoolean slow = new AtomicBoolean(true);
            AtomicLong upRead = new AtomicLong();
            Thread reader = Thread.ofVirtual().start(() -> drain(up.getInputStream(), slow, upRead));
            try (SocketChannel stalled = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                // up submits the job: until then it is not found.
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> d.status("flood").get("state").asText().equals("ready")); // no readiness rule: ready once spawned
                long pid = d.daemonPid();
                long idle = rss(pid);
                stalled.connect(UnixDomainSocketAddress.of(d.home.resolve("daemon.sock")));
                send(stalled, "{\"v\":1,\"id\":1,\"cmd\":\"tail\",\"args\":{\"ref\":\"flood\",\"follow\":true,\"lines\":0}}");
                // It never reads: the daemon's writes to it block once the socket's buffers are full.
                Files.createFile(d.work.resolve("go"));

                long peak = idle;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (true) {
                    peak = Math.max(peak, rss(pid));
                    long started = System.nanoTime();
                    Result list = d.bgrun("list");
                    assertThat(list.exitCode()).as(list.toString()).isZero();
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("list answered while the job floods")
                            .isLessThan(Duration.ofSeconds(15));
                    peak = Math.max(peak, rss(pid));
                    JsonNode flood = d.status("flood");
                    if (!flood.get("state").asText().equals("ready")) {
                        assertThat(flood.get("state").asText()).isEqualTo("exited");
                        break;
                    }
                    assertThat(System.nanoTime()).as("the flood ends within two minutes").isLessThan(deadline);
                }
                // Every line was indexed (the stalled clients held nothing back), and memory stayed bounded.
                JsonNode tail = d.json("tail", "flood", "--lines", "1");
                assertThat(tail.get("lines").get(0).get("content").asText()).isEqualTo("done");
                peak = Math.max(peak, rss(pid));
                System.out.printf("daemon RSS: idle %d MB, peak %d MB; the slow up read %d bytes%n",
                        idle >> 20, peak >> 20, upRead.get());
                assertThat(peak - idle).as("growth over idle RSS of " + (idle >> 20) + " MB").isLessThan(GROWTH_BOUND);
                assertThat(upRead.get()).as("the slow up got lines").isPositive();
                assertThat(d.daemonPid()).as("the same daemon, alive").isEqualTo(pid);
            } finally {
                slow.set(false); // drained at full speed, so its Ctrl-C handling can print and exit
                up.toHandle().destroy();
                if (!up.waitFor(60, TimeUnit.SECONDS)) {
                    up.destroyForcibly();
                }
                reader.join(Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void aStalledEventsFollowerGetsWhereItFellBehindAndIsClosed() throws Exception {
        try (Daemon d = new Daemon(tmp)) {
            d.json("list");
            long pid = d.daemonPid();
            long idle = rss(pid);
            try (SocketChannel stalled = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                stalled.connect(UnixDomainSocketAddress.of(d.home.resolve("daemon.sock")));
                send(stalled, "{\"v\":1,\"id\":1,\"cmd\":\"events\",\"args\":{\"follow\":true,\"since\":\"now\"}}");
                // 30,000 notify events, three times what the event log keeps in memory, while it does not read.
                d.run("--name", "chatty", "--", "sh -c 'i=0; while [ $i -lt 30000 ]; do i=$((i+1)); echo \"BGRUN_NOTIFY: n$i\"; done'");
                d.awaitState("chatty", "exited");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> notifications(d) >= 30_000);
                long peak = rss(pid);
                System.out.printf("daemon RSS: idle %d MB, peak %d MB after 30,000 events%n", idle >> 20, peak >> 20);
                assertThat(d.bgrun("list").exitCode()).isZero();
                assertThat(peak - idle).isLessThan(GROWTH_BOUND);

                // It reads again: what the socket held, then the record of where it fell behind, then the end.
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(stalled), StandardCharsets.UTF_8));
                List<JsonNode> items = new ArrayList<>();
                JsonNode answer;
                while (true) {
                    JsonNode message = Daemon.JSON.readTree(in.readLine());
                    if (message.has("item")) {
                        items.add(message.get("item"));
                    } else {
                        answer = message;
                        break;
                    }
                }
                JsonNode record = items.getLast();
                assertThat(record.get("type").asText()).isEqualTo("fell_behind");
                String cursor = record.get("cursor").asText();
                assertThat(items.size()).as("it got some events, not all").isBetween(2, 29_999);
                assertThat(items.get(items.size() - 2).get("cursor").asText()).isEqualTo(cursor);
                assertThat(answer.get("ok").asBoolean()).isFalse();
                assertThat(answer.get("error").get("type").asText()).isEqualTo("Busy");
                assertThat(answer.get("error").get("hint").asText()).contains("--since " + cursor);
                assertThat(answer.get("error").get("details").get("cursor").asText()).isEqualTo(cursor);

                // The cursor resumes exactly after the last event it got.
                List<JsonNode> resumed = d.bgrunLines("events", "--since", cursor, "--limit", "1");
                assertThat(resumed.getFirst().get("id").asLong()).isEqualTo(Long.parseLong(cursor) + 1);
            }
            assertThat(d.daemonPid()).isEqualTo(pid);
        }
    }

    private static long notifications(Daemon d) {
        return d.bgrunLines("events", "--type", "notify", "--limit", "100000").stream().filter(e -> e.has("message")).count();
    }

    private static void send(SocketChannel channel, String request) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Reads the up's output 8 KiB every 20 ms (about 400 KB/s, far slower than the job writes) while slow. */
    private static void drain(InputStream in, AtomicBoolean slow, AtomicLong read) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read.addAndGet(n);
                if (slow.get()) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the slowness under test, not a wait
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The daemon's resident set size, from /proc. */
    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
