package dev.bgrun.cli.host;

import dev.bgrun.cli.client.Frames;
import dev.bgrun.orchestrator.daemon.DaemonExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Runs thin clients' commands inside the daemon (registered as a {@link DaemonExtension}): each terminal
 * connection is one {@link RemoteInvocation} of the same picocli commands a local run uses.
 */
public final class CommandHost implements DaemonExtension {
    private volatile Context daemon;

    @Override
    public int magic() {
        return Frames.MAGIC;
    }

    @Override
    public void start(Context daemon) {
        this.daemon = daemon;
    }

    @Override
    public void serve(InputStream in, OutputStream out) throws IOException {
        RemoteInvocation.serve(daemon, in, out);
    }
}
