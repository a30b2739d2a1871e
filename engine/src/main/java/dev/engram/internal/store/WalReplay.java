package dev.engram.internal.store;

import dev.engram.internal.format.Corruption;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.memory.ValidationException;
import dev.engram.wal.Wal;
import dev.engram.wal.WalReader;
import dev.engram.wal.WalRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Recovery of the memory store: reads the WAL after the checkpoint marker, in LSN order, and
 * <ul>
 *   <li>applies the puts, deletes and journal entries of records after {@code appliedLsn} to their
 *       users ({@link UserStore#apply}: idempotent, and a put of a deleted memory is skipped, so a
 *       record whose effect is already in the segments — flushed by an eviction or a checkpoint
 *       that did not finish — changes nothing);</li>
 *   <li>hands the events of records after {@code truncatedLsn} to the sink, after the record's
 *       other mutations are applied.</li>
 * </ul>
 * A record the segments contradict (a version that is neither new, nor a copy, nor of a deleted
 * memory) or one of an unknown type refuses to open with a {@link dev.engram.io.CorruptFileException}.
 * Records of a user with a purge in progress ({@link PurgeMarkers}) up to its purge LSN are skipped
 * whole, and so are the records of an encrypted store whose data key no longer exists (the user was
 * purged: they cannot be decrypted, and are never an error). Runs alone, before the store is published.
 */
final class WalReplay {
    /** Records read, events handed to the sink, and WAL bytes read (the next checkpoint's trigger counts them). */
    record Result(long records, long events, long bytes) {}

    private WalReplay() {}

    static Result run(Wal wal, StoreCheckpoint marker, OpenUsers users, MemoryStore.EventSink sink, String log,
            Map<String, Long> purges, WalPayload.Keys keys) throws IOException {
        long from = Math.min(marker.truncatedLsn() + 1, wal.lastLsn() + 1);
        long records = 0;
        long events = 0;
        long bytes = 0;
        try (WalReader reader = wal.reader(from)) {
            while (reader.hasNext()) {
                WalRecord r = reader.next();
                if (r.lsn() <= marker.truncatedLsn()) continue;
                if (r.type() != WalPayload.TYPE) {
                    throw Corruption.of(log, 0, "record LSN " + r.lsn() + " has unknown type 0x" + Integer.toHexString(r.type()),
                            "a log written by another program or a newer version?");
                }
                WalPayload.Decoded d = WalPayload.decode(r.payload(), r.lsn(), log, keys);
                records++;
                bytes += r.payload().length + 24L;
                if (d.keyDestroyed()) continue; // encrypted under a destroyed key: the user was purged
                if (!purges.isEmpty()) {
                    Long purgedUpTo = purges.get(UserDirectoryLayout.hashName(d.user()));
                    if (purgedUpTo != null && r.lsn() <= purgedUpTo) continue; // purged: neither applied nor replayed
                }
                if (r.lsn() > marker.appliedLsn()) {
                    List<SegmentRecord> batch = WalPayload.records(d.user(), d.mutations(), r.lsn());
                    if (!batch.isEmpty()) {
                        OpenUsers.Handle h = users.acquire(d.user());
                        try {
                            h.store().apply(batch);
                        } catch (ValidationException e) {
                            throw Corruption.of(log, 0, "record LSN " + r.lsn() + " contradicts the segments of user " + d.user()
                                    + ": " + e.getMessage(), "log and user directory from different stores? restored from a backup?");
                        } finally {
                            users.release(h);
                        }
                    }
                }
                for (MemoryStore.Mutation m : d.mutations()) {
                    if (m instanceof MemoryStore.Mutation.Event e) {
                        sink.replayed(d.user(), r.lsn(), e.payload());
                        events++;
                    }
                }
            }
        }
        return new Result(records, events, bytes);
    }
}
