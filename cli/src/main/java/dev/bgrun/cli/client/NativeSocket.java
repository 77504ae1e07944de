package dev.bgrun.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Unix-socket connection through {@code libbgrunclient.so} ({@code src/main/c/bgrun-client.c}), which the
 * build puts next to the jar: the JDK's own Unix-domain channel costs a short-lived JVM about 30 ms of CPU at
 * its first connect (it seeds a SecureRandom, loading the security providers), a third of a whole call. When
 * the library is not beside the jar (a jar copied alone) or is of another version, {@link #available()} says
 * no and the client uses the JDK's channel.
 */
final class NativeSocket {
    static final String LIBRARY = "libbgrunclient.so";
    private static final int ABI = 1; // bgrun-client.c's ABI_VERSION
    private static final int ENOENT = 2;
    private static final int ECONNREFUSED = 111;
    private static final boolean AVAILABLE = load();

    private NativeSocket() {
    }

    static boolean available() {
        return AVAILABLE;
    }

    private static boolean load() {
        try {
            Path jar = Path.of(NativeSocket.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path library = jar.resolveSibling(LIBRARY);
            if (!Files.isRegularFile(library)) {
                return false;
            }
            System.load(library.toString());
            return abi0() == ABI;
        } catch (Exception | LinkageError e) {
            return false; // no jar (a development tree), or a library that does not load: the JDK's channel serves
        }
    }

    /**
     * A connection to the socket at {@code path}, or null when nothing listens there (no socket file, or it
     * refuses). Other failures (no descriptor left, say) throw.
     */
    static Connection tryConnect(Path path) throws IOException {
        int fd = connect0(path.toString().getBytes(StandardCharsets.UTF_8));
        if (fd == -ENOENT || fd == -ECONNREFUSED) {
            return null;
        }
        check(fd, "connect to " + path);
        return new Connection(new In(fd), new Out(fd), () -> check(close0(fd), "close"));
    }

    private static int check(int result, String what) throws IOException {
        if (result < 0) {
            throw new IOException(what + ": " + strerror0(-result));
        }
        return result;
    }

    private static final class In extends InputStream {
        private final int fd;

        In(int fd) {
            this.fd = fd;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
            if (length == 0) {
                return 0;
            }
            int n = check(read0(fd, buffer, offset, length), "read from the daemon");
            return n == 0 ? -1 : n;
        }
    }

    private static final class Out extends OutputStream {
        private final int fd;

        Out(int fd) {
            this.fd = fd;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
            check(write0(fd, buffer, offset, length), "write to the daemon");
        }
    }

    private static native int abi0();

    private static native int connect0(byte[] path);

    private static native int read0(int fd, byte[] buffer, int offset, int length);

    private static native int write0(int fd, byte[] buffer, int offset, int length);

    private static native int close0(int fd);

    private static native String strerror0(int error);
}
