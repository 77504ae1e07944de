package dev.bgrun.cli.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/** The client's connection to the daemon, as two streams: through {@link NativeSocket}, or a JDK channel. */
record Connection(InputStream in, OutputStream out, Closeable closer) implements Closeable {
    static Connection of(SocketChannel channel) {
        return new Connection(Channels.newInputStream(channel), Channels.newOutputStream(channel), channel);
    }

    @Override
    public void close() throws IOException {
        closer.close();
    }
}
