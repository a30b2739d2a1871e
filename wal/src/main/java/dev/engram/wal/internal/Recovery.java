package dev.engram.wal.internal;

import dev.engram.io.CorruptFileException;
import dev.engram.io.FileInput;
import dev.engram.io.Storage;
import dev.engram.wal.CorruptLogException;
import dev.engram.wal.RecoveryReport;
import dev.engram.wal.RecoveryReport.Kind;
import dev.engram.wal.RecoveryReport.Repair;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Scans every segment on open, verifies headers, checksums and LSN continuity, and repairs what a
 * crash can leave behind:
 * <ul>
 *   <li>a torn tail (incomplete or damaged records at the end of the newest segment that no later
 *       intact record proves were fsynced) is truncated;</li>
 *   <li>a newest segment with no more than a header's worth of bytes and a bad header (crash while
 *       creating it) is deleted.</li>
 * </ul>
 * Any other damage throws {@link CorruptLogException} naming file and offset, unless salvage mode
 * is on: then the damaged segment is cut at the damage, later segments are deleted, and the report
 * lists what was dropped. Not thread-safe; runs before the log accepts appends.
 */
public final class Recovery {
    /** What recovery leaves: the segments (first LSNs, ascending), the next LSN, and the report. */
    public record Result(List<Long> segments, long nextLsn, RecoveryReport report) {}

    private final Storage storage;
    private final boolean salvage;
    private final List<Repair> repairs = new ArrayList<>();
    private final List<Long> kept = new ArrayList<>();
    private long expected = -1;
    private long records;

    private Recovery(Storage storage, boolean salvage) {
        this.storage = storage;
        this.salvage = salvage;
    }

    /** Runs recovery on the segments in {@code storage}. */
    public static Result run(Storage storage, boolean salvage) throws IOException {
        return new Recovery(storage, salvage).run();
    }

    private Result run() throws IOException {
        List<Long> found = new ArrayList<>();
        for (String name : storage.list()) {
            long lsn = SegmentFormat.parseFileName(name);
            if (lsn >= 0) found.add(lsn);
        }
        found.sort(null);
        for (int i = 0; i < found.size(); i++) {
            boolean stop = !scanSegment(found.get(i), i == found.size() - 1);
            if (stop) {
                dropSegments(found.subList(i + 1, found.size()));
                break;
            }
        }
        long next = expected < 0 ? 1 : expected;
        long first = kept.isEmpty() ? next : kept.getFirst();
        RecoveryReport report = new RecoveryReport(kept.size(), records, Math.min(first, next), next - 1, repairs);
        return new Result(List.copyOf(kept), next, report);
    }

    /** Scans one segment; returns false when recovery must stop here (later segments are dropped). */
    private boolean scanSegment(long nameLsn, boolean last) throws IOException {
        String name = SegmentFormat.fileName(nameLsn);
        String file = storage.location(name);
        if (expected >= 0 && nameLsn != expected) {
            damage(name, -1, 0, "segment starts at LSN " + nameLsn + " but the previous one ends at LSN "
                    + (expected - 1) + " (a segment is missing or damaged)");
            return false;
        }
        try (FileInput in = storage.openInput(name)) {
            long size = in.size();
            byte[] h = new byte[(int) Math.min(size, SegmentFormat.HEADER_LENGTH)];
            in.readFully(0, h, 0, h.length);
            long headerLsn;
            try {
                headerLsn = SegmentFormat.checkHeader(file, h);
            } catch (CorruptFileException e) {
                if (last && size <= SegmentFormat.HEADER_LENGTH) {
                    // The header is written and fsynced before any record, so a short or bad header with
                    // nothing after it is a segment whose creation a crash cut short.
                    storage.delete(name);
                    storage.syncDirectory();
                    repairs.add(new Repair(Kind.TORN_SEGMENT_DELETED, file, 0, size, e.getMessage()));
                    if (expected < 0) expected = nameLsn;
                    return false;
                }
                damage(name, -1, e.offset(), e.getMessage());
                return false;
            }
            if (headerLsn != nameLsn) {
                damage(name, -1, SegmentFormat.HEADER_LENGTH - 12, "segment header says first LSN " + headerLsn
                        + " but the file name says " + nameLsn);
                return false;
            }
            expected = nameLsn;
            RecordScanner scanner = new RecordScanner(in, SegmentFormat.HEADER_LENGTH);
            while (true) {
                RecordScanner.Status st = scanner.next(size);
                if (st == RecordScanner.Status.END) break;
                String problem = scanner.problem();
                if (st == RecordScanner.Status.RECORD) {
                    if (scanner.lsn() == expected) {
                        expected++;
                        records++;
                        continue;
                    }
                    problem = "record has LSN " + scanner.lsn() + ", expected " + expected;
                }
                long at = st == RecordScanner.Status.RECORD ? scanner.recordOffset() : scanner.offset();
                if (last && !provenDurable(in, at, size, expected)) {
                    storage.truncate(name, at);
                    storage.sync(name);
                    repairs.add(new Repair(Kind.TORN_TAIL_TRUNCATED, file, at, size - at, problem));
                    kept.add(nameLsn);
                    return true;
                }
                kept.add(nameLsn);
                damage(name, at, at, problem + (last ? "; a later intact record shows this one had been fsynced" : ""));
                return false;
            }
            kept.add(nameLsn);
            return true;
        }
    }

    /**
     * Whether an intact record after {@code offset} says that records up to {@code lsn} had been
     * fsynced when it was written: then the damage at {@code offset} is not a torn write.
     */
    private static boolean provenDurable(FileInput in, long offset, long size, long lsn) throws IOException {
        RecordScanner s = new RecordScanner(in, offset);
        for (long q = offset + 1; q + SegmentFormat.RECORD_HEADER_LENGTH <= size; q++) {
            s.seek(q);
            long maxLsn = lsn + (size - q) / SegmentFormat.RECORD_HEADER_LENGTH + 1;
            if (s.next(size, lsn, maxLsn) == RecordScanner.Status.RECORD && s.syncedLsn() >= lsn) return true;
        }
        return false;
    }

    /**
     * Mid-log damage in segment {@code name}: refuse to open, or in salvage mode cut the segment at
     * {@code cutAt} (or delete it when {@code cutAt < 0}) and report it.
     */
    private void damage(String name, long cutAt, long offset, String problem) throws IOException {
        String file = storage.location(name);
        if (!salvage) {
            throw new CorruptLogException(file, offset, "write-ahead log is damaged: " + problem
                    + " (open with WalOptions salvage(true) to keep the records before the damage and drop the rest)", null);
        }
        long size = storage.size(name);
        if (cutAt < 0) {
            storage.delete(name);
            storage.syncDirectory();
            repairs.add(new Repair(Kind.SALVAGE_SEGMENT_DELETED, file, 0, size, problem));
            if (expected < 0) expected = SegmentFormat.parseFileName(name);
        } else {
            storage.truncate(name, cutAt);
            storage.sync(name);
            repairs.add(new Repair(Kind.SALVAGE_TRUNCATED, file, cutAt, size - cutAt, problem));
        }
    }

    private void dropSegments(List<Long> later) throws IOException {
        if (later.isEmpty()) return;
        if (!salvage) throw new IllegalStateException("segments after damage outside salvage mode");
        for (long lsn : later) {
            String name = SegmentFormat.fileName(lsn);
            long size = storage.size(name);
            storage.delete(name);
            repairs.add(new Repair(Kind.SALVAGE_SEGMENT_DELETED, storage.location(name), 0, size,
                    "after damage in an earlier segment"));
        }
        storage.syncDirectory();
    }
}
