package dev.bgrun.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The terminal protocol between the thin client and the daemon's command host: after one {@link #MAGIC} byte,
 * frames of a type byte, a length and that many bytes, in both directions. The client says who and where it
 * is ({@link #HELLO}); the daemon sends output and asks for what only the client can do (read its stdin, ask
 * a question, run a program); the client answers and passes on Ctrl-C. Plain JDK, so the client loads nothing
 * more.
 */
public final class Frames {
    /** The first byte of a terminal connection: never the start of a JSON request. */
    public static final int MAGIC = 0x01;
    /** No frame is larger: an environment, a chunk of output or of stdin fits well within it. */
    public static final int MAX = 1 << 20;

    // Client to daemon.
    /** build, cwd, argv, env, terminals (bit n: fd n is a terminal). */
    public static final byte HELLO = 1;
    /** Bytes of stdin asked for by {@link #READ}; none at end of file. */
    public static final byte STDIN = 2;
    /** The answer to {@link #ASK}: a flag (0: none, end of file) and the line. */
    public static final byte ANSWER = 3;
    /** The end of {@link #EXEC}: its exit code and, when it could not run, why (else empty). */
    public static final byte EXITED = 4;
    /** The user interrupted: the signal's name (INT, TERM). */
    public static final byte SIGNAL = 5;

    // Daemon to client.
    public static final byte OUT = 10;
    public static final byte ERR = 11;
    /** Read up to this many bytes of stdin and send them as {@link #STDIN}. */
    public static final byte READ = 12;
    /** Ask this question on the terminal and send the line as {@link #ANSWER}. */
    public static final byte ASK = 13;
    /** Run argv with env in cwd as the client's child, with its terminal; answer {@link #EXITED}. */
    public static final byte EXEC = 14;
    /** The command ended with this exit code. */
    public static final byte EXIT = 15;
    /** This daemon is another build and is stopping (its pid follows): start this build's and ask again. */
    public static final byte REPLACE = 16;

    private Frames() {
    }

    /** One frame as read. */
    public record Frame(byte type, byte[] payload) {
        public Reader reader() {
            return new Reader(payload);
        }
    }

    /** Writes one frame (the caller flushes and keeps writers apart). */
    public static void write(DataOutputStream out, byte type, byte[] payload, int offset, int length) throws IOException {
        out.writeByte(type);
        out.writeInt(length);
        out.write(payload, offset, length);
    }

    public static void write(DataOutputStream out, byte type, byte[] payload) throws IOException {
        write(out, type, payload, 0, payload.length);
    }

    /** Reads one frame; null at the end of the stream before a frame starts. */
    public static Frame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int length = in.readInt();
        if (length < 0 || length > MAX) {
            throw new IOException("a frame of " + length + " bytes (at most " + MAX + ")");
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame((byte) type, payload);
    }

    /** Builds a payload of ints, strings, lists and maps. */
    public static final class Builder {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream data = new DataOutputStream(bytes);

        public Builder integer(long value) {
            try {
                data.writeLong(value);
            } catch (IOException e) {
                throw new IllegalStateException(e); // memory only
            }
            return this;
        }

        public Builder string(String value) {
            byte[] b = value.getBytes(StandardCharsets.UTF_8);
            integer(b.length);
            bytes.writeBytes(b);
            return this;
        }

        public Builder list(List<String> values) {
            integer(values.size());
            values.forEach(this::string);
            return this;
        }

        public Builder map(Map<String, String> values) {
            integer(values.size());
            values.forEach((k, v) -> string(k).string(v));
            return this;
        }

        public byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    /** Reads a payload written by {@link Builder}, in the same order. */
    public static final class Reader {
        private final DataInputStream data;

        Reader(byte[] payload) {
            this.data = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        }

        public long integer() throws IOException {
            return data.readLong();
        }

        public String string() throws IOException {
            long n = integer();
            if (n < 0 || n > MAX) {
                throw new EOFException("a string of " + n + " bytes");
            }
            return new String(data.readNBytes((int) n), StandardCharsets.UTF_8);
        }

        public List<String> list() throws IOException {
            long n = integer();
            List<String> values = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                values.add(string());
            }
            return values;
        }

        public Map<String, String> map() throws IOException {
            long n = integer();
            Map<String, String> values = new LinkedHashMap<>();
            for (long i = 0; i < n; i++) {
                values.put(string(), string());
            }
            return values;
        }
    }
}
