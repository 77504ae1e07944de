package dev.bgrun.cli.completion;

import java.util.Collections;
import java.util.Iterator;

/**
 * Marks an argument that names a job of the daemon. It has no fixed candidates: the completion scripts ask
 * {@code bgrun completions --active-ids} at the moment of completing.
 */
public final class JobRefs implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Collections.emptyIterator();
    }
}
