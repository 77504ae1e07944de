package dev.bgrun.cli.completion;

import java.util.Collections;
import java.util.Iterator;

/**
 * Marks an option that names a workspace. It has no fixed candidates: the completion scripts ask
 * {@code bgrun completions --workspaces} at the moment of completing.
 */
public final class Workspaces implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Collections.emptyIterator();
    }
}
