package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.os.ProcStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One reading of a job's process tree from /proc: CPU use over a short sample, resident memory, threads, and
 * the TCP ports its processes listen on.
 */
final class TreeStats {
    /** Linux reports CPU time in USER_HZ ticks, 100 a second on every supported architecture. */
    private static final double TICKS_PER_SECOND = 100;
    private static final long SAMPLE_MS = 250;

    private TreeStats() {
    }

    static Map<String, Object> measure(long pid) throws InterruptedException {
        List<Stopper.Proc> tree = Stopper.snapshot(pid);
        long ticksBefore = tree.stream().mapToLong(p -> ProcStat.cpuTicks(p.pid())).sum();
        long begun = System.nanoTime();
        Thread.sleep(SAMPLE_MS); // CPU % is a rate: it needs two readings some time apart
        long ticksAfter = tree.stream().mapToLong(p -> ProcStat.cpuTicks(p.pid())).sum();
        double seconds = (System.nanoTime() - begun) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu_percent", Math.round((ticksAfter - ticksBefore) / TICKS_PER_SECOND / seconds * 1000) / 10.0);
        out.put("cpu_seconds", ticksAfter / TICKS_PER_SECOND);
        long rss = tree.stream().mapToLong(p -> ProcStat.rssBytes(p.pid())).sum();
        out.put("rss_bytes", rss);
        out.put("threads", tree.stream().mapToInt(p -> ProcStat.threads(p.pid())).sum());
        out.put("processes", tree.stream().filter(Stopper.Proc::alive).count());
        Set<Long> sockets = new HashSet<>();
        for (Stopper.Proc p : tree) {
            sockets.addAll(socketInodes(p.pid()));
        }
        List<Map<String, Object>> listening = new ArrayList<>();
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            for (Map<String, Object> socket : listeningSockets(table)) {
                if (sockets.contains((Long) socket.remove("inode"))) {
                    listening.add(socket);
                    ports.add((Integer) socket.get("port"));
                }
            }
        }
        out.put("ports", List.copyOf(ports));
        out.put("listening", listening);
        return out;
    }

    /** The inodes of the sockets a process has open (its fds that link to socket:[N]). */
    private static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new HashSet<>();
        try (var fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | NumberFormatException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // gone, or not ours to read
        }
        return inodes;
    }

    /** The listening sockets of /proc/net/TABLE: address, port and inode. */
    private static List<Map<String, Object>> listeningSockets(String table) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/net", table));
        } catch (IOException e) {
            return out;
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[3].equals("0A")) { // 0A: LISTEN
                continue;
            }
            String[] local = f[1].split(":");
            Map<String, Object> socket = new LinkedHashMap<>();
            socket.put("protocol", table);
            socket.put("address", address(local[0]));
            socket.put("port", Integer.parseInt(local[1], 16));
            socket.put("inode", Long.parseLong(f[9]));
            out.add(socket);
        }
        return out;
    }

    /** An address as /proc/net writes it (hex, each 32-bit word in host byte order) in the usual notation. */
    private static String address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + (3 - b)) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return java.net.InetAddress.getByAddress(bytes).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return hex;
        }
    }
}
