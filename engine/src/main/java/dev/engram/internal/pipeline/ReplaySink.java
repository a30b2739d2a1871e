package dev.engram.internal.pipeline;

import dev.engram.memory.UserId;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the pipeline events the store replays while it opens (before the pipeline exists),
 * then hands them to the pipeline; until then it asks the store to keep the whole WAL.
 * Thread-safe.
 */
public final class ReplaySink {
    private record Event(UserId user, long lsn, byte[] payload) {}

    private final List<Event> events = new ArrayList<>();
    private volatile Pipeline pipeline;

    public synchronized void replayed(UserId user, long lsn, byte[] payload) {
        if (pipeline != null) throw new IllegalStateException("replay after the pipeline started");
        events.add(new Event(user, lsn, payload));
    }

    public long retainFromLsn() {
        Pipeline p = pipeline;
        return p == null ? 0 : p.retainFromLsn();
    }

    /** Asks the pipeline to re-append its events up to {@code upToLsn} (a purge); nothing before it is attached. */
    public void relocate(long upToLsn) throws java.io.IOException {
        Pipeline p = pipeline;
        if (p != null) p.relocate(upToLsn);
    }

    /** Hands the collected events to {@code p} and from now on asks it what the WAL must keep. */
    public synchronized void attach(Pipeline p) {
        for (Event e : events) p.replayed(e.user(), e.lsn(), e.payload());
        events.clear();
        pipeline = p;
    }
}
