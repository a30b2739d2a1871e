package dev.engram.internal.pipeline;

import dev.engram.internal.store.UserStore;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * What the pipeline and the API need from the durable multi-user store: atomic per-user writes
 * that are durable (WAL) when they return, reads of one user, and that user's journal. The
 * production implementation adapts {@code MemoryStore}; tests may use a simpler one. Thread-safe.
 */
public interface StoreAccess extends AutoCloseable {

    /** A change of one user's state. */
    sealed interface Change {
        /** A memory version with its embedding (or {@code null}). */
        record Put(Memory memory, float[] embedding) implements Change {}

        /** Deletes every version of a memory. */
        record Delete(MemoryId id, Instant at) implements Change {}

        /** A pipeline event: durable, replayed after a crash until checkpointed, never stored with the user. */
        record Event(byte[] payload) implements Change {}

        /** A note kept in the user's own files (and so exported and purged with the user). */
        record Journal(byte[] payload) implements Change {}
    }

    /** Applies {@code changes} to {@code user} atomically; durable on return. Returns the WAL position. */
    long write(UserId user, List<Change> changes) throws IOException;

    /** Runs {@code f} on the user's store (created if absent). */
    <T> T read(UserId user, Function<UserStore, T> f) throws IOException;

    /** Whether the user has any stored state. Creates nothing. */
    boolean exists(UserId user) throws IOException;

    /** The user's journal notes, in write order. */
    List<byte[]> journal(UserId user) throws IOException;

    /** What {@link #purge} removed: memories, their versions, files and bytes, WAL segments deleted. */
    record Purged(long memories, long versions, long files, long bytes, int walSegmentsRetired) {}

    /** Removes every trace of the user (files, open state, WAL records); see {@code MemoryStore.purge}. */
    default Purged purge(UserId user) throws IOException {
        throw new UnsupportedOperationException("this store cannot purge");
    }

    /** Finishes purges interrupted by a crash, once the pipeline is attached. Returns how many. */
    default int completePurges() throws IOException {
        return 0;
    }

    /** Every user with stored state, without opening them (lifecycle sweeper); see {@code MemoryStore.users}. */
    default List<UserId> users() throws IOException {
        throw new UnsupportedOperationException("this store cannot list its users");
    }

    /** Rewrites the user's segments without the content of deleted memories; see {@code MemoryStore.compact}. */
    default void compact(UserId user) throws IOException {
        throw new UnsupportedOperationException("this store cannot compact");
    }

    /** The first I/O failure that stopped writes for good (fail-stop), or null while writes work. */
    default Throwable failure() {
        return null;
    }

    /** Latency of the WAL's fsyncs in seconds, or null if this store does not measure it. */
    default dev.engram.EngramStats.Histogram walSyncs() {
        return null;
    }

    /** Calls {@code f} with each known user's live memory count (cheap: catalog and open users). The default reports none. */
    default void forEachMemoryCount(java.util.function.ObjLongConsumer<UserId> f) throws IOException {}

    @Override
    void close() throws IOException;
}
